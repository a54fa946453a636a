"""Reading and writing the spreadsheets bureaus exchange (.xlsx, .csv)."""

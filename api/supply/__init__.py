"""Labor supply: the laborer registry (一库N册), 五清 surveys, rosters, Excel ledgers."""

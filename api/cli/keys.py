"""`laborbridge keys generate`: the secrets a first deploy needs (docs/operations.md)."""

import typer

from api.security import generated_keys

keys_app = typer.Typer(help="Secrets for a deployment.", no_args_is_help=True)


@keys_app.command("generate")
def keys_generate() -> None:
    """Print fresh LB_SECRET_KEY, LB_DATA_KEY and LB_LOOKUP_KEY as an env file.

    laborbridge keys generate > laborbridge.env
    """
    # Plain print: the file is read by machines; rich would wrap or colour it.
    for line in generated_keys.env_file_lines(generated_keys.generate()):
        print(line)

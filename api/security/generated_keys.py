"""Fresh values for every secret the service requires in production, as env-file lines."""

import base64
import secrets

from api.settings import DATA_KEY_BYTES


def generate() -> dict[str, str]:
    return {
        # Any string of 32+ characters; URL-safe so it needs no quoting anywhere.
        "LB_SECRET_KEY": secrets.token_urlsafe(48),
        # Standard base64 of 32 random bytes: what api/security/pii.py decodes.
        "LB_DATA_KEY": base64.b64encode(secrets.token_bytes(DATA_KEY_BYTES)).decode(),
        "LB_LOOKUP_KEY": base64.b64encode(secrets.token_bytes(DATA_KEY_BYTES)).decode(),
    }


def env_file_lines(keys: dict[str, str]) -> list[str]:
    """KEY=value lines, as `docker compose` env_file and `kubectl --from-env-file` read them."""
    return [
        "# LaborBridge 密钥，请保密；LB_DATA_KEY 与 LB_LOOKUP_KEY 一经使用不可更换",
        "# LaborBridge secrets: keep them secret; LB_DATA_KEY and LB_LOOKUP_KEY"
        " never change once data is stored",
        *(f"{name}={value}" for name, value in keys.items()),
    ]

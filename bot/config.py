"""Settings: one pydantic-settings model read from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB = "sqlite+aiosqlite:///data/gopy.db"


class Settings(BaseSettings):
    """Everything configurable; secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DB
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_poll_timeout: int = Field(default=25, ge=0, le=60)
    # Webhook mode instead of long polling: the public HTTPS address Telegram posts to.
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None

    # Where the webhook server listens (behind a reverse proxy that terminates HTTPS).
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)

    # Longest comment a member may send in one message, and in total per section.
    max_message_chars: int = Field(default=4000, ge=100)
    max_comment_chars: int = Field(default=12000, ge=100)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def sqlite_path(self) -> Path | None:
        """The database file when the URL is a SQLite file, else None."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix(prefix))
        return None

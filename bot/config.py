"""Settings: one pydantic-settings model read from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB = "sqlite+aiosqlite:///data/gopy.db"


class Settings(BaseSettings):
    """Everything configurable; secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default=DEFAULT_DB, repr=False)  # may hold a password
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_poll_timeout: int = Field(default=25, ge=0, le=60)
    # Webhook mode instead of long polling: the public HTTPS address Telegram posts to.
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None

    # Zalo Bot Platform: the token is "<bot_id>:<secret>"; set it and `gopy run` starts Zalo.
    zalo_bot_token: SecretStr | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    zalo_poll_timeout: int = Field(default=25, ge=1, le=60)
    # Webhook mode instead of long polling: the public HTTPS address Zalo posts to, and the
    # secret it sends back in X-Bot-Api-Secret-Token (8-256 characters).
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None

    # Where the webhook server listens (behind a reverse proxy that terminates HTTPS).
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)

    # The web console's public address (sign-in links point here); empty: this machine's
    # WEBHOOK_HOST:WEBHOOK_PORT over http. Cookies are marked Secure when it is https.
    web_base_url: str | None = None
    # A console session unused this long is signed out.
    web_idle_minutes: int = Field(default=60, ge=1, le=24 * 60)
    # Largest file the console accepts (a draft or a roster), in megabytes.
    web_upload_max_mb: float = Field(default=10, gt=0, le=200)

    # Longest comment a member may send in one message, and in total per section.
    max_message_chars: int = Field(default=4000, ge=100)
    max_comment_chars: int = Field(default=12000, ge=100)

    # Outgoing pace per channel (messages per second overall, and to one chat).
    telegram_messages_per_second: float = Field(default=30, gt=0)
    telegram_chat_messages_per_second: float = Field(default=1, gt=0)
    zalo_messages_per_second: float = Field(default=10, gt=0)
    zalo_chat_messages_per_second: float = Field(default=1, gt=0)

    # A worker that took a reply from the outbox owns it this long; if the worker dies
    # first, another one (or the same after a restart) sends it once this has passed.
    outbox_lease_seconds: float = Field(default=30, gt=0)

    # The compiled report's heading (gopy report): the issuing body under its parent, the
    # short name in its number ("Số …-BC/ĐUK") and the place before the date.
    report_issuer_parent: str = "ĐẢNG BỘ TỈNH TRÀ VINH"
    report_issuer: str = "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP"
    report_issuer_short: str = "ĐUK"
    report_place: str = "Trà Vinh"

    @field_validator(
        "telegram_bot_token", "telegram_webhook_url", "telegram_webhook_secret",
        "zalo_bot_token", "zalo_webhook_url", "zalo_webhook_secret", "web_base_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """`ZALO_BOT_TOKEN=` as copied from .env.example means "no Zalo", not an empty token."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("zalo_webhook_secret")
    @classmethod
    def _zalo_secret_length(cls, value: SecretStr | None) -> SecretStr | None:
        """Zalo's setWebhook refuses secrets outside 8-256 characters: say so at start."""
        if value is not None and not 8 <= len(value.get_secret_value()) <= 256:
            raise ValueError("ZALO_WEBHOOK_SECRET must be 8-256 characters")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def console_url(self) -> str:
        """Where the web console is reached, without a trailing slash."""
        if self.web_base_url:
            return self.web_base_url.rstrip("/")
        return f"http://{self.webhook_host}:{self.webhook_port}"

    def sqlite_path(self) -> Path | None:
        """The database file when the URL is a SQLite file, else None."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix(prefix))
        return None

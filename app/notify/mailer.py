"""SMTP, configured from the environment (``NORDIALOG_SMTP_*``): one connection per run."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app


class MailerUnavailable(Exception):
    """The mail server cannot be reached or dropped the connection: try again later."""


class MessageRefused(Exception):
    """The server refused this one message (a bad recipient, say); others may still go."""


class Mailer:
    """Sends outbox rows through SMTP. ``host`` empty means e-mail is not configured."""

    def __init__(self, *, host: str, port: int, tls: str = "none", user: str = "",
                 password: str = "", sender: str, timeout: float = 10.0) -> None:
        self.host, self.port, self.tls = host, port, tls
        self.user, self.password, self.sender = user, password, sender
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    @classmethod
    def from_config(cls, config=None) -> Mailer:
        config = config or current_app.config
        return cls(host=config["SMTP_HOST"], port=config["SMTP_PORT"], tls=config["SMTP_TLS"],
                   user=config["SMTP_USER"], password=config["SMTP_PASSWORD"],
                   sender=config["MAIL_FROM"])

    def _connect(self) -> smtplib.SMTP:
        if not self.host:
            raise MailerUnavailable("NORDIALOG_SMTP_HOST is not set: e-mail is not configured")
        try:
            if self.tls == "ssl":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
        except (OSError, smtplib.SMTPException) as err:
            raise MailerUnavailable(f"cannot reach {self.host}:{self.port}: {err}") from err
        return smtp

    def compose(self, message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="nordialog")
        mail["X-Nordialog-Outbox-Id"] = str(message.id)
        mail.set_content(message.body)
        mail["Content-Language"] = message.language  # after set_content, which clears it
        return mail

    def send(self, message) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(self.compose(message))
        except smtplib.SMTPRecipientsRefused as err:
            raise MessageRefused(f"recipient refused: {err.recipients}") from err
        except smtplib.SMTPResponseException as err:
            if 500 <= err.smtp_code < 600:
                raise MessageRefused(f"refused: {err.smtp_code} {err.smtp_error!r}") from err
            self.close()
            raise MailerUnavailable(f"temporary failure: {err.smtp_code}") from err
        except (OSError, smtplib.SMTPException) as err:
            self.close()
            raise MailerUnavailable(f"connection lost: {err}") from err

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None

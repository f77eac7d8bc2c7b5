"""Reading one inbound mail (API.md "E-mail channel"): who sent it, what it is about, its text
and files, whether a machine wrote it, and which ticket it answers. Plain functions, no IMAP."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import errors as mail_errors
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

import html2text

TICKET_IN_SUBJECT = re.compile(r"\[((?:INC|REQ|ACC|TKT)-\d{4}-\d{6,9})\]")
TICKET_IN_ID = re.compile(r"((?:INC|REQ|ACC|TKT)-\d{4}-\d{6,9})")
MACHINE_SENDERS = ("mailer-daemon", "postmaster")
# a multipart tree that cannot be taken apart as it says: its text and files are guesses
BROKEN_TREE = (mail_errors.StartBoundaryNotFoundDefect,
               mail_errors.MultipartInvariantViolationDefect,
               mail_errors.NoBoundaryInMultipartDefect,
               mail_errors.CloseBoundaryNotFoundDefect)
# "On <date>, <someone> wrote:" and Outlook's header block start the quoted history
QUOTE_STARTS = (re.compile(r"^\s*On .{1,200} wrote:\s*$", re.IGNORECASE),
                re.compile(r"^\s*Pada .{1,200} menulis:\s*$", re.IGNORECASE),
                re.compile(r"^\s*-{2,}\s*(Original Message|Pesan Asli)\s*-{2,}", re.IGNORECASE),
                re.compile(r"^\s*From:\s.+", re.IGNORECASE),
                re.compile(r"^\s*Dari:\s.+", re.IGNORECASE))
TITLE_MAX = 200
TEXT_MAX = 200_000  # a body longer than this is cut; the whole mail stays in the done folder


class Unreadable(ValueError):
    """A mail whose structure or text cannot be trusted: it goes to the quarantine."""


@dataclass(frozen=True)
class MailFile:
    filename: str
    content: bytes


@dataclass(frozen=True)
class InboundMail:
    message_id: str
    sender: str
    sender_name: str | None
    subject: str
    text: str
    refers_to: tuple[str, ...] = ()  # In-Reply-To and References, oldest first
    files: tuple[MailFile, ...] = field(default=())
    automatic: str | None = None  # why a machine wrote it (then it makes nothing)

    @property
    def title(self) -> str:
        title = " ".join(TICKET_IN_SUBJECT.sub("", self.subject).split())
        title = re.sub(r"^((re|fw|fwd|aw|bls|balas)\s*:\s*)+", "", title, flags=re.IGNORECASE)
        return (title or "(no subject)")[:TITLE_MAX]

    def ticket_numbers(self) -> list[str]:
        """Ticket numbers it names: in brackets in the Subject, then in the ids it answers."""
        numbers = TICKET_IN_SUBJECT.findall(self.subject)
        for message_id in reversed(self.refers_to):
            numbers += TICKET_IN_ID.findall(message_id)
        return list(dict.fromkeys(numbers))


def message_key(message_id: str) -> str:
    """Message-IDs may be up to 998 characters: the table keeps a fixed-length digest."""
    return hashlib.sha256(message_id.strip().encode()).hexdigest()


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)


def fallback_message_id(raw: bytes) -> str:
    """A mail without a Message-ID is still handled once: its content names it."""
    return f"<{hashlib.sha256(raw).hexdigest()}@no-message-id>"


def read_mail(raw: bytes, *, own_addresses: tuple[str, ...] = ()) -> InboundMail:
    message = parse(raw)
    if _broken(message):
        raise Unreadable("its MIME structure is broken (boundaries missing or wrong)")
    sender, sender_name = _sender(message)
    if not sender:
        raise Unreadable("it has no sender address")
    body_part = message.get_body(preferencelist=("plain", "html"))
    text = _text_of(body_part) if body_part is not None else ""
    return InboundMail(
        message_id=(_header(message, "Message-ID") or fallback_message_id(raw)).strip(),
        sender=sender, sender_name=sender_name,
        subject=" ".join(_header(message, "Subject").split()),
        text=without_quoted_history(text)[:TEXT_MAX],
        refers_to=tuple(_ids(message, "References") + _ids(message, "In-Reply-To")),
        files=tuple(_files(message, body_part)),
        automatic=automatic_reason(message, sender, own_addresses))


def _broken(message: EmailMessage) -> bool:
    return any(isinstance(defect, BROKEN_TREE)
               for part in message.walk() for defect in part.defects)


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name) or "")
    except (ValueError, IndexError, LookupError):  # a header the policy cannot fold
        raw = message.get_all(name, failobj=[""])[0]
        return str(raw)


def _sender(message: EmailMessage) -> tuple[str, str | None]:
    name, address = (getaddresses([_header(message, "From")]) or [("", "")])[0]
    return (address.strip().lower() if "@" in address else ""), (name.strip() or None)


def _ids(message: EmailMessage, name: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", _header(message, name))


def automatic_reason(message: EmailMessage, sender: str,
                     own_addresses: tuple[str, ...]) -> str | None:
    """Auto-replies, bounces and our own mail coming back make nothing (RFC 3834)."""
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if message.get(name) is not None:
            return name
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list"):
        return f"Precedence: {precedence}"
    if sender.split("@")[0] in MACHINE_SENDERS:
        return f"sender {sender}"
    if sender in {a.lower() for a in own_addresses if a}:
        return "sent by the service desk itself (a loop)"
    if message.get_content_type() == "multipart/report":
        return "a delivery report"
    return None


def _text_of(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except LookupError:  # a charset Python does not know: keep what can be read
        content = (part.get_payload(decode=True) or b"").decode("latin-1")
    if part.get_content_type() == "text/html":
        return html_to_text(content)
    return content


def html_to_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0  # keep the writer's lines
    converter.ignore_images = True
    converter.ignore_emphasis = True
    return converter.handle(html).strip()


def without_quoted_history(text: str) -> str:
    """The new text of a reply: up to the first quoted line or quote header."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.lstrip().startswith(">") or any(p.match(line) for p in QUOTE_STARTS):
            break
        kept.append(line.rstrip())
    new_text = "\n".join(kept).strip()
    return new_text or text.strip()


def _files(message: EmailMessage, body_part) -> list[MailFile]:
    """Every leaf that is not the text we read: attachments and inline images alike."""
    files = []
    for part in message.walk():
        if part.is_multipart() or part is body_part:
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if part.get_content_maintype() == "text" and not filename and disposition != "attachment":
            continue  # the other rendering of the text (plain beside html)
        if part.get_content_type() in ("message/delivery-status", "message/rfc822-headers"):
            continue
        content = part.get_payload(decode=True) or b""
        subtype = part.get_content_subtype() or "bin"
        files.append(MailFile(filename or f"part-{len(files) + 1}.{subtype}", content))
    return files


def readable_text(raw: bytes, limit: int = 100_000) -> str:
    """Every text part that decodes, for a mail whose structure is not to be trusted; else
    the bytes after its header, as far as they are text."""
    try:
        texts = [_text_of(part) for part in parse(raw).walk()
                 if part.get_content_maintype() == "text"]
    except Exception:  # noqa: BLE001 - then the raw bytes
        texts = []
    text = "\n\n".join(t.strip() for t in texts if t and t.strip())
    if not text:
        body = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[-1]
        text = body.decode("utf-8", errors="replace").strip()
    return text[:limit]

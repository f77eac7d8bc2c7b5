"""The e-mails to the client, in Bahasa Indonesia: plain data in, (subject, body) out."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from .summary import OFFICE_TZ

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
SIGNATURE = ("Salam,\nService Desk Dinas Komunikasi dan Informatika\n\n"
             "Balas e-mail ini untuk menanggapi tiket Anda, atau gunakan halaman pelacakan.")
STATUS_NAMES = {"submitted": "diterima, menunggu verifikasi petugas", "new": "terverifikasi",
                "in_progress": "sedang ditangani", "on_hold": "ditunda", "done": "selesai"}


def local_date(moment: datetime) -> str:
    local = moment.astimezone(OFFICE_TZ)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, pukul {local:%H:%M} WIB"


def _greeting(name: str | None) -> str:
    return f"Yth. {name}," if name else "Yth. Bapak/Ibu,"


def tracking_link(public_url: str, number: str, token: str | None) -> str:
    if not token:
        return f"{public_url}/lacak"
    return f"{public_url}/lacak?" + urlencode({"number": number, "token": token})


def _follow(link: str, number: str, token: str | None) -> str:
    if token:
        return (f"Ikuti perkembangannya di:\n{link}\n\n"
                "Simpan tautan ini: siapa pun yang memegangnya dapat melihat tiket Anda.")
    return (f"Ikuti perkembangannya di {link} dengan nomor tiket {number} dan kode "
            "pelacakan yang ditampilkan saat Anda melapor.")


def received(*, number: str, title: str | None, name: str | None, public_url: str,
             tracking_token: str | None, status: str | None = None,
             first_contact: bool = False) -> tuple[str, str]:
    """`first_contact`: the desk never wrote to this address, so the mail carries no text the
    sender typed (number, status and link only): the form cannot make the office write a
    stranger someone else's words."""
    how = _follow(tracking_link(public_url, number, tracking_token), number, tracking_token)
    state = STATUS_NAMES.get(status or "submitted", status)
    if first_contact:
        body = (f"{_greeting(None)}\n\nTiket {number} telah tercatat di Service Desk kami.\n"
                f"Status: {state}.\n\n{how}\n\n{SIGNATURE}\n")
    else:
        body = (f"{_greeting(name)}\n\nLaporan Anda \"{title or '-'}\" telah kami terima "
                f"dengan nomor tiket {number}.\nStatus: {state}.\n\n{how}\n\n{SIGNATURE}\n")
    return f"[{number}] Laporan Anda telah kami terima", body


def replied(*, number: str, title: str | None, name: str | None, reply: str,
            public_url: str, tracking_token: str | None = None,
            first_contact: bool = False) -> tuple[str, str]:
    about = "" if first_contact else f" (\"{title or '-'}\")"
    link = tracking_link(public_url, number, tracking_token)
    body = (f"{_greeting(None if first_contact else name)}\n\nPetugas kami menanggapi tiket "
            f"{number}{about}:\n\n{reply}\n\nLihat tiket Anda di:\n{link}\n\n{SIGNATURE}\n")
    return f"[{number}] Tanggapan petugas untuk tiket Anda", body


def closed(*, number: str, title: str | None, name: str | None, solution: str | None,
           survey_url: str, expires_at: datetime, public_url: str = "",
           tracking_token: str | None = None, first_contact: bool = False) -> tuple[str, str]:
    solution_text = f"Solusi:\n{solution}\n\n" if solution else ""
    about = "" if first_contact else f" (\"{title or '-'}\")"
    link = tracking_link(public_url, number, tracking_token)
    body = (f"{_greeting(None if first_contact else name)}\n\nTiket {number}{about} telah "
            f"selesai kami tangani dan kami tutup.\n\n{solution_text}"
            "Mohon luangkan waktu dua menit untuk mengisi survei kepuasan layanan kami:\n"
            f"{survey_url}\n\nSurvei dapat diisi sampai {local_date(expires_at)}. "
            "Jika masalah Anda belum selesai, balas e-mail ini dalam 7 hari, atau lewat "
            f"halaman pelacakan:\n{link}\n\n"
            f"{SIGNATURE}\n")
    return f"[{number}] Tiket Anda telah selesai - mohon isi survei kepuasan", body

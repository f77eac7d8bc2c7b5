"""The e-mails to the client, in Bahasa Indonesia: plain data in, (subject, body) out."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from .summary import OFFICE_TZ

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
SIGNATURE = ("Salam,\nService Desk Dinas Komunikasi dan Informatika\n\n"
             "E-mail ini dikirim otomatis; balas melalui halaman pelacakan tiket.")


def local_date(moment: datetime) -> str:
    local = moment.astimezone(OFFICE_TZ)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, pukul {local:%H:%M} WIB"


def _greeting(name: str | None) -> str:
    return f"Yth. {name}," if name else "Yth. Bapak/Ibu,"


def tracking_link(public_url: str, number: str, token: str | None) -> str:
    if not token:
        return f"{public_url}/lacak"
    return f"{public_url}/lacak?" + urlencode({"number": number, "token": token})


def received(*, number: str, title: str | None, name: str | None, public_url: str,
             tracking_token: str | None) -> tuple[str, str]:
    link = tracking_link(public_url, number, tracking_token)
    if tracking_token:
        how = (f"Ikuti perkembangannya di:\n{link}\n\n"
               "Simpan tautan ini: siapa pun yang memegangnya dapat melihat tiket Anda.")
    else:
        how = (f"Ikuti perkembangannya di {link} dengan nomor tiket {number} dan kode "
               "pelacakan yang ditampilkan saat Anda melapor.")
    body = (f"{_greeting(name)}\n\nLaporan Anda \"{title or '-'}\" telah kami terima dengan "
            f"nomor tiket {number}.\n\n{how}\n\n{SIGNATURE}\n")
    return f"[{number}] Laporan Anda telah kami terima", body


def replied(*, number: str, title: str | None, name: str | None, reply: str,
            public_url: str) -> tuple[str, str]:
    body = (f"{_greeting(name)}\n\nPetugas kami menanggapi tiket {number} "
            f"(\"{title or '-'}\"):\n\n{reply}\n\n"
            f"Balas atau lihat tiket Anda di {public_url}/lacak.\n\n{SIGNATURE}\n")
    return f"[{number}] Tanggapan petugas untuk tiket Anda", body


def closed(*, number: str, title: str | None, name: str | None, solution: str | None,
           survey_url: str, expires_at: datetime) -> tuple[str, str]:
    solution_text = f"Solusi:\n{solution}\n\n" if solution else ""
    body = (f"{_greeting(name)}\n\nTiket {number} (\"{title or '-'}\") telah selesai kami "
            f"tangani dan kami tutup.\n\n{solution_text}"
            "Mohon luangkan waktu dua menit untuk mengisi survei kepuasan layanan kami:\n"
            f"{survey_url}\n\nSurvei dapat diisi sampai {local_date(expires_at)}. "
            "Jika masalah Anda belum selesai, balas melalui halaman pelacakan tiket.\n\n"
            f"{SIGNATURE}\n")
    return f"[{number}] Tiket Anda telah selesai - mohon isi survei kepuasan", body

"""Realistic ticket bodies for POST /api/v1/tickets: what an operator records on a caller's
behalf (FRM-002): category and service from the default catalog, channel, client contact,
urgency and impact (so triage sets a priority and the SLA clock its policy), and a few hundred
characters of description in Bahasa Indonesia. Deterministic for a given seed."""
from __future__ import annotations

import json
import random

SERVICES = {
    "Aplikasi": ["Aplikasi down", "Aplikasi rusak", "Aplikasi bug", "Update aplikasi gagal",
                 "OS crash"],
    "Jaringan": ["SIM down", "Internet lambat", "Internet mati", "Internet down",
                 "Perbaikan jaringan"],
    "Hardware": ["WAN mati", "Komputer rusak", "Komputer terkena virus", "Komputer hang",
                 "Komputer gagal booting", "Komputer lambat", "Laptop hang", "Hardisk rusak",
                 "Server down", "Kabel rusak", "Listrik rusak", "RAM kotor"],
    "Data": ["Data tidak sinkron", "Data hilang", "Data pending", "Update data lambat"],
}
AGENCIES = ["Dinas Kesehatan", "Dinas Pendidikan", "Badan Keuangan Daerah", "Kecamatan Tegalsari",
            "Dinas Kependudukan dan Pencatatan Sipil", "Bappeda", "Dinas Perhubungan",
            "Kelurahan Mojo", "RSUD Dr. Soewandhie", "Satpol PP"]
NAMES = ["Budi Santoso", "Siti Rahmawati", "Agus Prasetyo", "Dewi Lestari", "Rudi Hartono",
         "Nur Aini", "Eko Wahyudi", "Rina Marlina", "Hendra Gunawan", "Wulan Sari"]
OPENINGS = ["Sejak pagi", "Mulai pukul 08.00", "Setelah pemadaman listrik kemarin",
            "Sejak pembaruan minggu lalu", "Sudah dua hari ini", "Tadi siang"]
SYMPTOMS = [
    "layanan tidak dapat diakses dari seluruh komputer di ruang pelayanan",
    "pengguna mendapat pesan galat 502 ketika membuka aplikasi",
    "koneksi putus-sambung setiap beberapa menit sehingga antrean warga menumpuk",
    "komputer operator berhenti merespons saat mencetak dokumen",
    "data yang diinput di loket tidak muncul di laporan harian",
    "akses ke server berkas sangat lambat dan sering habis waktu",
    "lampu indikator perangkat jaringan berkedip merah",
]
TRIED = ["Sudah dicoba restart perangkat tetapi tidak ada perubahan.",
         "Kabel jaringan sudah diperiksa dan terpasang dengan benar.",
         "Pengguna lain di lantai yang sama mengalami hal serupa.",
         "Belum ada tindakan apa pun dari pihak kami.",
         "Sudah menghubungi penyedia internet, katanya tidak ada gangguan."]
LEVELS = ["high", "medium", "low"]
CHANNELS = ["phone", "email", "letter", "walk_in", "web"]


def ticket(rng: random.Random) -> dict:
    category = rng.choice(list(SERVICES))
    service = rng.choice(SERVICES[category])
    agency = rng.choice(AGENCIES)
    name = rng.choice(NAMES)
    where = f"lantai {rng.randint(1, 5)}, ruang {rng.randint(101, 520)}"
    parts = [f"{rng.choice(OPENINGS)} {rng.choice(SYMPTOMS)} di {agency}.", rng.choice(TRIED),
             f"Mohon segera ditindaklanjuti ({service}, {where})."]
    if rng.random() < 0.5:
        parts.append(rng.choice(SYMPTOMS).capitalize() + ".")
    body = " ".join(parts)
    return {
        "title": f"{service} di {agency}"[:200],
        "body": body,
        "type": "incident",
        "category": category,
        "service": service,
        "channel": rng.choice(CHANNELS),
        "client": f"pegawai.{rng.randint(100, 999)}",
        "contact_name": name,
        "contact_phone": f"08{rng.randint(10, 99)}-{rng.randint(1000, 9999)}-"
                         f"{rng.randint(100, 999)}",
        "agency": agency,
        "urgency": rng.choice(LEVELS),
        "impact": rng.choice(LEVELS),
    }


def bodies(count: int = 200, seed: int = 9) -> list[str]:
    rng = random.Random(seed)
    return [json.dumps(ticket(rng), ensure_ascii=False) for _ in range(count)]


if __name__ == "__main__":
    for text in bodies(3):
        print(text, len(text.encode()))

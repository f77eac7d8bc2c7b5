"""A made-up but plausible knowledge base for bench/kb_search.py: articles and solved tickets
about other devices, applications and offices of a city government than the 40 seed articles,
in the same Indonesian, deterministic for a given seed.

Common words ("komputer", "tidak", "aplikasi", "jaringan", "restart") appear in many of them, as
in a real knowledge base; model numbers and office names make the rare words."""
from __future__ import annotations

import random

DEVICES = {
    "Hardware": ["printer", "scanner", "proyektor", "telepon IP", "mesin absensi sidik jari",
                 "kamera CCTV", "UPS", "monitor", "mouse", "keyboard", "laptop", "komputer",
                 "tablet", "mesin fotokopi", "webcam", "speaker ruang rapat", "mikrofon",
                 "televisi ruang rapat", "hardisk eksternal", "flashdisk", "mesin antrean",
                 "kios informasi", "printer thermal", "pemindai barcode", "stabilizer"],
    "Jaringan": ["router", "switch", "access point", "modem", "kabel LAN", "jaringan wifi tamu",
                 "VPN kantor", "radio link", "firewall", "DNS internal", "jaringan lantai 3"],
    "Aplikasi": ["SIMPEG", "e-Surat", "e-Kinerja", "SIPD", "e-Budgeting", "aplikasi perizinan",
                 "SIMDA", "e-Office", "aplikasi absensi", "portal pengaduan", "aplikasi aset",
                 "SIM RS", "aplikasi kependudukan", "website kelurahan", "aplikasi retribusi",
                 "aplikasi pajak daerah", "aplikasi arsip digital", "aplikasi LPSE",
                 "dasbor eksekutif", "aplikasi rapat daring", "email dinas", "Microsoft Office"],
    "Data": ["data kepegawaian", "data aset", "laporan keuangan", "data penduduk",
             "rekap absensi", "data perizinan", "laporan kinerja", "data retribusi"],
}
PROBLEMS = [
    "tidak terdeteksi", "tidak bisa login", "lambat saat dibuka", "menampilkan pesan error",
    "tidak tersinkron", "mati mendadak", "berbunyi terus", "tidak bisa mencetak",
    "hasil cetak bergaris", "koneksi sering terputus", "akun terkunci", "tampilan berantakan",
    "data tidak muncul", "tombol simpan tidak berfungsi", "gagal mengunggah berkas",
    "gagal mengunduh laporan", "jam tidak sesuai", "suara tidak keluar", "gambar buram",
    "layar berkedip", "kertas macet", "tinta cepat habis", "sertifikat kedaluwarsa",
    "lisensi habis", "baterai cepat habis", "pembaruan gagal", "sinyal lemah", "port rusak",
    "lupa kata sandi", "angka rekap selisih", "ekspor ke Excel gagal",
    "tanda tangan digital ditolak",
]
PLACES = [
    "Kelurahan Banjarejo", "Kecamatan Taman", "Dinas Kesehatan", "Dinas Pendidikan", "Bappeda",
    "Sekretariat Daerah", "BPKAD", "Dinas Perhubungan", "Puskesmas Oro-oro Ombo", "RSUD",
    "Dinas Sosial", "Kecamatan Kartoharjo", "Dukcapil", "Satpol PP", "Dinas Lingkungan Hidup",
    "Inspektorat", "BKPSDM", "Dinas Perdagangan", "Kelurahan Nambangan Lor", "Mal Pelayanan Publik",
    "Dinas PUPR", "Bagian Umum", "ruang rapat lantai 2", "loket pelayanan",
]
SYMPTOMS = [
    "{subject} di {place} {problem} sejak {when}.",
    "Pengguna melaporkan {subject} {problem}, padahal kemarin masih normal.",
    "Muncul kode {code} ketika {subject} dipakai.",
    "Hanya satu ruangan yang mengalami; ruangan lain di {place} normal.",
    "Masalah muncul setelah {subject} dipindahkan ke meja lain.",
    "Sudah dicoba dimatikan dan dinyalakan lagi tetapi {subject} tetap {problem}.",
    "Model perangkat {code}, dipakai setiap hari untuk pelayanan.",
]
STEPS = [
    "Pastikan kabel daya dan kabel data terpasang dengan benar.",
    "Restart perangkat lalu coba kembali.",
    "Catat kode error dan ambil tangkapan layar.",
    "Perbarui driver dari situs resmi produsen.",
    "Periksa pengaturan jaringan pada menu Settings.",
    "Kosongkan cache browser lalu login ulang.",
    "Minta admin aplikasi mereset kata sandi akun.",
    "Catat nomor seri dan nomor inventaris perangkat.",
    "Coba di komputer lain untuk memastikan sumber masalah.",
    "Periksa sisa ruang penyimpanan dan hapus berkas sementara.",
    "Pastikan tanggal dan jam komputer sesuai WIB.",
    "Laporkan ke Service Desk bila masalah berulang.",
    "Jangan membongkar perangkat sendiri; teknisi akan datang.",
    "Gunakan akun cadangan sementara sambil menunggu perbaikan.",
    "Ganti kabel dengan yang baru dari gudang perlengkapan.",
    "Jalankan pemindaian antivirus penuh.",
    "Sinkronkan ulang data dari menu administrasi.",
    "Periksa lampu indikator pada perangkat jaringan.",
    "Matikan mode hemat daya pada pengaturan perangkat.",
    "Hubungi vendor bila masih dalam masa garansi.",
]
WHEN = ["pagi ini", "kemarin sore", "Senin", "minggu lalu", "jam istirahat", "awal bulan"]
BRANDS = ["HP", "Epson", "Canon", "Brother", "Lenovo", "Asus", "Acer", "Dell", "TP-Link",
          "Mikrotik", "Cisco", "Ubiquiti", "APC", "Logitech", "Samsung", "Fujitsu"]


def _code(rng: random.Random) -> str:
    return f"{rng.choice(BRANDS)} {rng.choice('ABCDEFGLMPX')}{rng.randint(100, 9999)}"


def article(rng: random.Random, number: int) -> dict:
    category = rng.choice(list(DEVICES))
    subject = rng.choice(DEVICES[category])
    problem = rng.choice(PROBLEMS)
    place = rng.choice(PLACES)
    code = _code(rng)
    fill = {"subject": subject, "problem": problem, "place": place, "code": code,
            "when": rng.choice(WHEN)}
    title = f"{subject[0].upper()}{subject[1:]} {problem}"
    if rng.random() < 0.5:
        title += f" di {place}"
    symptoms = " ".join(template.format(**fill) for template in rng.sample(SYMPTOMS, 3))
    steps = rng.sample(STEPS, rng.randint(4, 7))
    steps.insert(rng.randint(0, len(steps)), f"Periksa {subject} {code} sesuai panduan vendor.")
    return {"slug": f"gen-{number:05d}", "title": title[:200], "category": category,
            "service": None, "symptoms": symptoms,
            "solution": "\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1)),
            "keywords": [subject, problem.split()[-1], code.split()[0].lower()]}


def articles(count: int, *, seed: int = 20261128) -> list[dict]:
    rng = random.Random(seed)
    return [article(rng, number) for number in range(count)]

"""The client's ticket form as plain rules: the choices from the catalog, checking what was
typed, the ticket to send to intake, and intake's 422 details put back next to the fields."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELDS = ("type", "category", "service", "title", "body", "guest_email", "contact_name",
          "contact_phone", "agency")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()\- ]{4,40}$")
LIMITS = {"title": 200, "body": 20000, "guest_email": 254, "contact_name": 120,
          "agency": 160}

# What to tell the client when intake refuses a field (its own messages are English).
API_FIELD_MESSAGES = {
    "type": "Pilih jenis tiket dari daftar.",
    "category": "Pilih kategori dari daftar.",
    "service": "Pilih layanan yang termasuk kategori yang dipilih.",
    "title": "Judul harus 3 sampai 200 karakter.",
    "body": "Uraikan masalah Anda (paling banyak 20.000 karakter).",
    "guest_email": "Masukkan alamat email yang benar, misalnya nama@contoh.go.id.",
    "contact_name": "Nama paling banyak 120 karakter.",
    "contact_phone": "Gunakan angka, spasi, dan tanda + ( ) - saja.",
    "agency": "Nama instansi paling banyak 160 karakter.",
}


@dataclass
class Choices:
    """The form's select options, taken from GET /api/v1/catalog."""
    types: list[tuple[str, str]] = field(default_factory=list)             # (code, label)
    type_categories: dict[str, list[str]] = field(default_factory=dict)    # type -> categories
    categories: list[str] = field(default_factory=list)
    services: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (cat, detail, names)

    def services_of(self, category: str) -> list[str]:
        return [name for cat, _detail, names in self.services if cat == category
                for name in names]

    def types_of(self, category: str) -> list[str]:
        return [code for code, cats in self.type_categories.items() if category in cats]


def choices_from_catalog(catalog: dict) -> Choices:
    choices = Choices()
    for item in catalog.get("types", []):
        choices.types.append((item["code"], item.get("name") or item["code"]))
        choices.type_categories[item["code"]] = list(item.get("categories") or [])
    for category in catalog.get("categories", []):
        if category["name"] not in choices.categories:
            choices.categories.append(category["name"])
        for detail in category.get("details", []):
            choices.services.append((category["name"], detail["name"],
                                     [s["name"] for s in detail.get("services", [])]))
    for cats in choices.type_categories.values():  # Akses, Lainnya: categories of a type only
        choices.categories.extend(c for c in cats if c not in choices.categories)
    return choices


def clean(form: dict) -> dict:
    return {name: (form.get(name) or "").strip() for name in FIELDS}


def check(values: dict, choices: Choices) -> dict[str, list[str]]:
    """Errors per field, in Indonesian; empty when the ticket may be sent."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    type_code = values.get("type") or "incident"
    type_labels = dict(choices.types)
    if type_code not in type_labels:
        add("type", API_FIELD_MESSAGES["type"])
    category, service = values.get("category"), values.get("service")
    if not category:
        add("category", "Pilih kategori masalah.")
    elif category not in choices.categories:
        add("category", API_FIELD_MESSAGES["category"])
    elif type_code in type_labels and category not in choices.type_categories.get(type_code, []):
        add("category", f"Kategori {category} tidak tersedia untuk jenis "
                        f"{type_labels[type_code]}.")
    if service and category in choices.categories and service not in choices.services_of(
            category):
        add("service", f"Layanan {service} tidak termasuk kategori {category}.")
    if not values.get("body"):
        add("body", "Uraikan masalah yang Anda alami.")
    title = values.get("title")
    if title and len(title) < 3:
        add("title", API_FIELD_MESSAGES["title"])
    email = values.get("guest_email")
    if not email:
        add("guest_email", "Masukkan alamat email agar kami dapat membalas.")
    elif not EMAIL.match(email):
        add("guest_email", API_FIELD_MESSAGES["guest_email"])
    phone = values.get("contact_phone")
    if phone and not PHONE.match(phone):
        add("contact_phone", API_FIELD_MESSAGES["contact_phone"])
    for name, limit in LIMITS.items():
        if len(values.get(name) or "") > limit:
            add(name, f"Paling banyak {limit} karakter.")
    return errors


def ticket_payload(values: dict) -> dict:
    """What POST /api/v1/tickets receives; a missing title is made from the service and the
    first line of the description."""
    payload = {name: values[name] for name in FIELDS if values.get(name)}
    payload.setdefault("type", "incident")
    if not payload.get("title"):
        payload["title"] = derived_title(values)
    return payload


def derived_title(values: dict) -> str:
    first_line = next((line.strip() for line in (values.get("body") or "").splitlines()
                       if line.strip()), "")
    lead = values.get("service") or values.get("category") or "Laporan"
    title = f"{lead}: {first_line}" if first_line else lead
    if len(title) > 200:
        title = title[:197].rstrip() + "..."
    return title if len(title) >= 3 else f"Laporan {title}".strip()


def errors_from_api(details: dict) -> dict[str, list[str]]:
    """Intake's 422 `details` (field -> English messages) as Indonesian messages on the form's
    fields; anything that is not a field of the form goes to `_form`."""
    errors: dict[str, list[str]] = {}
    for name in details or {}:
        if name in API_FIELD_MESSAGES:
            errors.setdefault(name, []).append(API_FIELD_MESSAGES[name])
        elif "_form" not in errors:
            errors["_form"] = ["Sebagian isian ditolak oleh sistem; periksa kembali formulir."]
    return errors

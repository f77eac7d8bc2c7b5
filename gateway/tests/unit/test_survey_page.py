"""The survey page's rules: what the form sends, and the service's errors shown in Indonesian
next to the right field."""
from werkzeug.datastructures import MultiDict

from gateway.pages import survey


def test_form_values_become_the_api_body_with_unanswered_questions_as_null():
    form = MultiDict({"name": " Sari ", "email": "", "user_group": "ppk", "q1": "5", "q2": "x",
                      "q10": "1", "suggestion": "  Cepat.  "})
    body = survey.payload_from(survey.values_from(form))
    assert body["answers"] == [5, None, None, None, None, None, None, None, None, 1]
    assert body["respondent"]["name"] == "Sari"
    assert body["respondent"]["email"] is None and body["respondent"]["user_group"] == "ppk"
    assert body["suggestion"] == "Cepat."


def test_api_errors_land_on_their_form_fields_in_indonesian():
    errors = survey.errors_in_indonesian({
        "answers.3": ["Question 3: choose 1 to 5."],
        "answers.10": ["Question 10 has no answer."],
        "respondent.email": ["Not an e-mail address."],
        "respondent.agency": ["Write at most 160 characters."],
        "suggestion": ["Write at most 4000 characters."],
    })
    assert errors == {
        "agency": ["Isian ini terlalu panjang; persingkat."],
        "email": ["Alamat email tidak valid, misalnya nama@madiunkota.go.id."],
        "q3": ["Pilih salah satu jawaban."],
        "q10": ["Pilih salah satu jawaban."],
        "suggestion": ["Saran paling banyak 4000 karakter."],
    }
    assert list(errors) == ["agency", "email", "q3", "q10", "suggestion"]  # form order


def test_an_error_of_no_form_field_is_shown_for_the_whole_form():
    errors = survey.errors_in_indonesian({"answers": ["Give exactly 10 answers."],
                                          "respondent.name": ["Give the respondent's name."]})
    assert errors == {"_form": ["Sebagian jawaban belum lengkap; periksa kembali."],
                      "name": ["Isi nama Anda."]}

import json

import requests

from source_halopsa.progress import emit_estimate, is_first_page


def _response(url):
    response = requests.Response()
    response.request = requests.Request("GET", url).prepare()
    return response


class TestIsFirstPage:
    def test_given_page_one_when_checking_then_true(self):
        assert is_first_page(_response("https://h/api/Tickets?pageinate=true&page_size=100&page_no=1"))

    def test_given_later_or_unpaged_request_when_checking_then_false(self):
        assert not is_first_page(_response("https://h/api/Tickets?pageinate=true&page_no=2"))
        assert not is_first_page(_response("https://h/api/Status"))


class TestEmitEstimate:
    def test_given_record_count_when_emitting_then_one_estimate_line(self, capsys):
        emit_estimate("tickets", 717)
        message = json.loads(capsys.readouterr().out)
        assert message["trace"]["type"] == "ESTIMATE"
        assert message["trace"]["estimate"] == {"name": "tickets", "type": "STREAM", "row_estimate": 717}

    def test_given_no_usable_count_when_emitting_then_nothing(self, capsys):
        for value in (None, "717", True, -1):
            emit_estimate("tickets", value)
        assert capsys.readouterr().out == ""

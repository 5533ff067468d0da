"""The analyst's key-figures page and the report downloads."""


def test_the_analyst_reads_the_quarters_key_figures_in_dutch(signed_in):
    client = signed_in("analyst")
    response = client.get("/rapportages?kwartaal=2019Q3")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kerncijfers K3 2019" in page
    assert "Voordracht per corporatie" in page and "Mitros" in page


def test_the_analyst_lands_on_the_figures_after_signing_in(signed_in):
    client = signed_in("analyst")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/rapportages")


def test_the_report_downloads_as_csv_and_xlsx(signed_in):
    client = signed_in("matcher")
    csv = client.get("/rapportages/2019Q3.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    # For people, not integrators: a BOM and `;` for Dutch Excel (the API keeps its keys).
    assert csv.get_data(as_text=True).startswith("\ufeffKerncijfers K3 2019")
    assert "Corporatie;Quotum;Voorgedragen" in csv.get_data(as_text=True)
    xlsx = client.get("/rapportages/2019Q3.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_a_care_provider_may_not_open_the_reports(signed_in):
    assert signed_in("care_provider").get("/rapportages").status_code == 403


def test_a_nonsense_quarter_is_a_404_not_an_error(signed_in):
    client = signed_in("analyst")
    assert client.get("/rapportages?kwartaal=2019K9").status_code == 404
    assert client.get("/rapportages/2019K9.csv").status_code == 404


def test_a_quarter_in_year_zero_is_a_404_not_an_error(signed_in):
    client = signed_in("analyst")
    assert client.get("/rapportages?kwartaal=0000Q1").status_code == 404

import json
import subprocess
import sys
from pathlib import Path

import goldenthread.rules as rules
from goldenthread.rules.periods import Frequency

REPO = Path(__file__).resolve().parents[2]


def test_the_rules_import_nothing_but_the_standard_library() -> None:
    # A fresh interpreter, as this one may have loaded Django for other tests.
    script = (
        "import json, sys, goldenthread.rules; "
        "ours = {'django', 'goldenthread'}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ours)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(loaded) == [
        "goldenthread",
        "goldenthread.rules",
        "goldenthread.rules._labels",
        "goldenthread.rules.benchmark",
        "goldenthread.rules.compliance",
        "goldenthread.rules.forecast",
        "goldenthread.rules.periods",
        "goldenthread.rules.rag",
        "goldenthread.rules.smart",
        "goldenthread.rules.spc",
        "goldenthread.rules.status",
    ]


def test_the_package_re_exports_every_public_name() -> None:
    for name in rules.__all__:
        assert getattr(rules, name) is not None
    assert callable(rules.rag)
    assert rules.Frequency is Frequency


def test_frequency_labels_and_choices() -> None:
    assert Frequency.choices() == [
        ("monthly", "Monthly"),
        ("quarterly", "Quarterly"),
        ("annual", "Annual"),
    ]
    assert [f.periods_per_year for f in Frequency] == [12, 4, 1]

"""A demonstration session with fixed, fictional data: ``python -m reviewer.tui.demo DB_FILE``.

For trying the terminal application and for the tmux test: no bundle, the case is built in
memory (names and units are invented; the PIN is a test-only PIN), only the session
database lands in ``DB_FILE``. Running it again on the same file continues the session.
"""

from __future__ import annotations

import hashlib
import sys
from decimal import Decimal

from argon2 import PasswordHasher

from reviewer.domain.case import Application, Case, Expert, Group, Material, Rules
from reviewer.domain.panel import load_panel_by_id
from reviewer.i18n import set_locale, t
from reviewer.services import Session, Unlocked

DEMO_PIN = "135790"  # test-only PIN of every demo expert
DEMO_PASSPHRASE = "demo-secretary"  # test-only: opens the demo's dashboard
DEMO_SHA256 = hashlib.sha256(b"reviewer demo case, version 1").hexdigest()
_CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

_APPS = (
    ("A001", "陈立新", "昆明示例机械厂", "数控加工工艺专长突出，主持攻关项目三项。"),
    ("A002", "赵雪梅", "曲靖示例化工公司", "精细化工操作能手，带徒二十余人。"),
    ("A003", "刘海波", "玉溪示例电力公司", "带电作业技能全面，多次参与抢险保电。"),
    ("A004", "周桂兰", "大理示例纺织厂", "传统扎染工艺传承人，开发新工艺两项。"),
)
_EXPERTS = (
    ("E01", "张明华", "高级工程师", ("g1",)),
    ("E02", "李秀英", "高级技师", ("g1",)),
    ("E03", "王建国", "正高级工程师", ("g1", "comp")),
    ("E04", "杨丽", "高级经济师", ("comp",)),
    ("E05", "何志强", "高级技师", ("comp",)),
)


def demo_unlocked(pin: str = DEMO_PIN) -> Unlocked:
    panel = load_panel_by_id("yunling-craftsman")
    pin_hash = _CHEAP.hash(pin)
    apps = tuple(
        Application(id=i, name=name, unit=unit, group="g1", track="main", summary=summary,
                    materials=(Material("事迹材料", f"{name}同志（虚构示例）：{summary}"),))
        for i, name, unit, summary in _APPS
    )
    experts = tuple(Expert(id=i, name=name, title=title, unit=f"示例评审单位{i}", groups=groups,
                           pin_hash=pin_hash) for i, name, title, groups in _EXPERTS)
    case = Case(case_id="demo-2026", measure=panel.id, title="云岭工匠评审演示", year=2026,
                rules=Rules(min_experts=3, min_score=Decimal(0)),
                groups=(Group("g1", "先进制造组", "professional", 2),
                        Group("comp", "综合组", "comprehensive")),
                applications=apps, experts=experts)
    return Unlocked(case, panel, DEMO_SHA256)


def demo_session(db_path: str) -> Session:
    return Session.attach(demo_unlocked(), f"sqlite:///{db_path}")


def main(argv: list[str]) -> int:
    from reviewer.tui.app import ReviewerApp

    if "--lang" in argv:
        index = argv.index("--lang")
        set_locale(argv[index + 1])
        argv = argv[:index] + argv[index + 2:]
    if len(argv) != 1:
        print(t("tui.demo.usage"), file=sys.stderr)
        return 2
    session = demo_session(argv[0])
    app = ReviewerApp(session, secretary_check=lambda p: p == DEMO_PASSPHRASE,
                      title=t("tui.app.title"))
    try:
        app.run()
    finally:
        session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

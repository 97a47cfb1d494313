"""Buttons already sitting in members' chats keep working; forged ones change nothing."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

import handlers.router  # noqa: F401  (registers every handler)
from bot.engine import ConversationEngine
from content import strings
from handlers import actions as a
from handlers import member
from handlers.dispatch import HANDLERS
from storage.models import Comment, Progress
from tests.conftest import Bloc
from tests.support.chat import Chat

# Every payload a button of ours carried before actions were typed values.
OLD_PAYLOADS: dict[str, a.Action] = {
    "m:c:12:3": a.Choose(section_id=12, index=3),
    "m:p:7": a.OpenSection(position=7),
    "m:s:12:2": a.ShowPage(section_id=12, page=2),
    "m:t:1": a.Contents(page=1),
    "m:x:12": a.AskClear(section_id=12),
    "m:xy:12": a.Clear(section_id=12),
    "m:next": a.NextSection(),
    "m:prev": a.PreviousSection(),
    "m:r": a.Review(),
    "m:f": a.Finish(),
    "m:fy": a.Confirm(),
    "m:go": a.Resume(),
    "s:p:1": a.ProgressPage(page=1),
    "s:t:2": a.SectionsPage(page=2),
    "s:c:5": a.SectionComments(position=5),
    "s:o:12": a.AskOpinion(section_id=12),
    "s:od:12": a.DeleteOpinion(section_id=12),
    "s:n": a.AskNudge(),
    "s:ny": a.SendNudge(),
    "s:f": a.AskSubmit(),
    "s:fy": a.Submit(),
    "s:r": a.Reopen(),
    "s:d": a.DownloadCell(),
    "o:v:3": a.Overview(page=3),
    "w:l": a.ConsoleLink(),
    "m:n:12:2": a.NumberParagraphs(section_id=12, page=2),
    "m:w:12": a.ProposeWording(section_id=12),
    "m:wc:5": a.ChangeProposal(proposal_id=5),
    "m:wd:5": a.WithdrawProposal(proposal_id=5),
    "m:d:1": a.ChooseStance(index=1),
    "m:ds": a.Documents(),
    "m:o:7": a.OpenDocument(consultation_id=7),
    "o:e": a.ExportMenu(),
    "o:ec": a.ExportCsv(),
    "o:ex": a.ExportXlsx(),
}
FORGED = [
    "", "m", "m:", "zzz", "m:zz", "M:p:1", "m :p:1", "x:p:1", "s:progress:GD2",
    "m:c:1234567890:0",  # ten digits: no id of ours is that long
    "m:s:99999999999999999999:1",
    "m:c:12", "m:c:12:3:0", "m:next:1", "s:d:GD2", "o:v", "o:v:1:2",  # wrong arity
    "m:p:-1", "m:p:+1", "m:p: 1", "m:p:1.5", "m:p:1_0", "m:p:٣", "m:p:", "m:p:x",
    "m:p:" + "1" * 70,
]


@pytest.mark.parametrize(("data", "action"), OLD_PAYLOADS.items())
def test_every_old_payload_parses_to_its_action_and_packs_back(data: str, action: a.Action) -> None:
    assert a.parse(data) == action
    assert action.pack() == data


def test_every_action_is_covered_round_trips_and_has_a_handler() -> None:
    assert {type(action) for action in OLD_PAYLOADS.values()} == set(a.Action.kinds.values())
    for kind in a.Action.kinds.values():
        for number in (0, 1, 999_999_999):
            action = kind(**{f.name: number for f in dataclasses.fields(kind)})
            assert a.parse(action.pack()) == action
            assert len(action.pack().encode()) <= a.MAX_PAYLOAD_BYTES
        assert kind in HANDLERS, f"no handler registered for {kind.__name__}"


@pytest.mark.parametrize("data", FORGED)
def test_forged_or_stale_payloads_do_not_parse(data: str) -> None:
    with pytest.raises(a.BadPayload):
        a.parse(data)


@pytest.mark.parametrize("action", [a.OpenSection(-1), a.Choose(10**9, 0), a.Contents(True)])
def test_numbers_no_payload_could_carry_are_refused_when_packing(action: a.Action) -> None:
    with pytest.raises(ValueError):
        action.pack()


async def linked(engine: ConversationEngine) -> Chat:
    chat = Chat(engine)
    await chat.say("11112222")  # Nguyễn Văn An
    return chat


async def saved(engine: ConversationEngine) -> list[tuple[int, str | None, str]]:
    async with engine._factory() as s:
        rows = await s.execute(select(Comment).order_by(Comment.section_id))
        return [(c.section_id, c.choice, c.text) for c in rows.scalars()]


async def place(engine: ConversationEngine) -> list[tuple[int, int]]:
    async with engine._factory() as s:
        rows = await s.execute(select(Progress))
        return [(p.section_position, p.page) for p in rows.scalars()]


async def test_an_old_agree_button_still_saves_the_choice(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    chat = await linked(engine)
    await chat.press(f"m:c:{bloc.section_ids[0]}:0")  # «Nhất trí» on section 1, as sent last week
    assert "Đã ghi nhận: «Nhất trí» cho mục 1" in chat.text
    assert chat.replies[-1].text.startswith("Mục 2/23")
    assert await saved(engine) == [(bloc.section_ids[0], "Nhất trí", "")]


async def test_a_typed_choice_and_a_tap_are_the_same_action(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    chat = await linked(engine)
    await chat.press("m:p:3")
    await chat.say("không nhất trí")
    await chat.press(f"m:c:{bloc.section_ids[3]}:2")
    assert await saved(engine) == [
        (bloc.section_ids[2], "Không nhất trí", ""),
        (bloc.section_ids[3], "Không nhất trí", ""),
    ]


@pytest.mark.parametrize("data", FORGED)
async def test_a_forged_button_gets_the_stale_answer_and_changes_nothing(
    engine: ConversationEngine, bloc: Bloc, data: str
) -> None:
    chat = await linked(engine)
    await chat.press("m:p:2")
    before = (await saved(engine), await place(engine))
    await chat.press(data)
    assert chat.text == strings.STALE_BUTTON
    assert (await saved(engine), await place(engine)) == before


async def test_an_error_inside_a_handler_saves_nothing_and_is_not_a_stale_button(
    engine: ConversationEngine, bloc: Bloc, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The choice is written before the failure; the whole event must roll back."""
    chat = await linked(engine)
    await chat.press("m:p:1")
    before = await place(engine)

    async def broken(*_: object) -> int:
        raise ValueError("a bug of ours, after the choice was written")

    monkeypatch.setattr(member, "section_count", broken)
    await chat.press(f"m:c:{bloc.section_ids[0]}:0")
    assert chat.text == strings.ERROR
    assert await saved(engine) == []
    assert await place(engine) == before

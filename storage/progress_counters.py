"""The Office overview's counters in SQL: the triggers that keep them, and their recount.

Migration 0008 installs the triggers (cell_progress and consultation_progress); a change
here needs a new migration that drops and creates them again. SQLite and PostgreSQL run
the same statements; PostgreSQL wraps them in plpgsql functions and takes a row lock first.
"""

from __future__ import annotations

# A member's state in a round: 2 finished, 1 started (progress or any comment), 0 neither.
# "Any comment" is any row, not only one that says something (storage/comments.said): every
# comment, a proposal-only one included, is written after its member opened the draft (a
# progress row), so the two rules count the same members, and the triggers need not fire
# on every edit of a comment's text.
STATUS = """(CASE
  WHEN EXISTS (SELECT 1 FROM progress p WHERE p.member_id = {m} AND p.consultation_id = {c}
               AND p.finished_at IS NOT NULL) THEN 2
  WHEN EXISTS (SELECT 1 FROM progress p WHERE p.member_id = {m} AND p.consultation_id = {c})
    OR EXISTS (SELECT 1 FROM comment x JOIN section s ON s.id = x.section_id
               WHERE x.member_id = {m} AND s.consultation_id = {c}) THEN 1
  ELSE 0 END)"""

# Has member {m} a comment in round {c} (other than comment {skip})?
COMMENTED = """EXISTS (SELECT 1 FROM comment x JOIN section s ON s.id = x.section_id
  WHERE x.member_id = {m} AND s.consultation_id = {c} AND x.id <> {skip})"""

CELL_OF = "(SELECT cell_id FROM member WHERE id = {m})"


def _shift(m: str, c: str, started: str, finished: str) -> str:
    """Add `started` and `finished` (SQL expressions) to member {m}'s cell in round {c}."""
    return f"""UPDATE cell_progress SET started = started + ({started}),
  finished = finished + ({finished})
  WHERE consultation_id = {c} AND cell_id = {CELL_OF.format(m=m)}
  AND (({started}) <> 0 OR ({finished}) <> 0)"""


def _progress_gone(row: str) -> str:
    """The member of progress row `row` (OLD) no longer has it: finished or started undone."""
    m, c = f"{row}.member_id", f"{row}.consultation_id"
    now = f"(CASE WHEN {COMMENTED.format(m=m, c=c, skip=0)} THEN 1 ELSE 0 END)"
    was_finished = f"(CASE WHEN {row}.finished_at IS NOT NULL THEN 1 ELSE 0 END)"
    return _shift(m, c, f"{now} - (1 - {was_finished})", f"-{was_finished}")


def _progress_came(row: str) -> str:
    """The member of progress row `row` (NEW) has it now: started, or finished."""
    m, c = f"{row}.member_id", f"{row}.consultation_id"
    before = f"(CASE WHEN {COMMENTED.format(m=m, c=c, skip=0)} THEN 1 ELSE 0 END)"
    finished = f"(CASE WHEN {row}.finished_at IS NOT NULL THEN 1 ELSE 0 END)"
    return _shift(m, c, f"(1 - {finished}) - {before}", finished)


def _alone(row: str) -> str:
    """Comment `row` is all its member has in the round: no progress, no other comment."""
    m, c = f"{row}.member_id", f"{row}.consultation_id"
    return (f"NOT EXISTS (SELECT 1 FROM progress p WHERE p.member_id = {m} "
            f"AND p.consultation_id = {c}) AND NOT {COMMENTED.format(m=m, c=c, skip=f'{row}.id')}")


def _comment_gone(row: str) -> str:
    """Comment `row` (OLD) goes: its member is no longer started if it was all they had."""
    m, c = f"{row}.member_id", f"{row}.consultation_id"
    return _shift(m, c, f"(CASE WHEN {_alone(row)} THEN -1 ELSE 0 END)", "0")


def _comment_came(row: str) -> str:
    """Comment `row` (NEW) comes: its member has started if it is all they have."""
    m, c = f"{row}.member_id", f"{row}.consultation_id"
    return _shift(m, c, f"(CASE WHEN {_alone(row)} THEN 1 ELSE 0 END)", "0")


def _member_moved(sign: str, cell: str, member: str) -> str:
    """Member `member` counted (+) in or out (-) of cell `cell`, in every round."""
    status = STATUS.format(m=member, c="cell_progress.consultation_id")
    return f"""UPDATE cell_progress SET members = members {sign} 1,
  started = started {sign} (CASE WHEN {status} = 1 THEN 1 ELSE 0 END),
  finished = finished {sign} (CASE WHEN {status} = 2 THEN 1 ELSE 0 END)
  WHERE cell_id = {cell}"""


def _submitted(row: str, value: str) -> str:
    return f"""UPDATE cell_progress SET submitted = {value}
  WHERE consultation_id = {row}.consultation_id AND cell_id = {row}.cell_id"""


def _totals(row: str, sign: str) -> str:
    return f"""UPDATE consultation_progress SET cells = cells {sign} 1,
  cells_submitted = cells_submitted {sign} {row}.submitted,
  members = members {sign} {row}.members, started = started {sign} {row}.started,
  finished = finished {sign} {row}.finished
  WHERE consultation_id = {row}.consultation_id"""


NEW_CELL_ROWS = """INSERT INTO cell_progress (consultation_id, cell_id, organization, cell_code,
  members, started, finished, submitted)
  SELECT k.id, c.id, o.name, c.code,
    (SELECT count(*) FROM member m WHERE m.cell_id = c.id), 0, 0, 0
  FROM consultation k, cell c JOIN organization o ON o.id = c.organization_id
  WHERE {where}"""

# (name, table, event, condition or None, statements): each an AFTER ... FOR EACH ROW trigger.
TRIGGERS: list[tuple[str, str, str, str | None, list[str]]] = [
    ("gopy_progress_ins", "progress", "INSERT", None, [_progress_came("NEW")]),
    ("gopy_progress_upd", "progress", "UPDATE OF finished_at, member_id, consultation_id",
     None, [_progress_gone("OLD"), _progress_came("NEW")]),
    ("gopy_progress_del", "progress", "DELETE", None, [_progress_gone("OLD")]),
    ("gopy_comment_ins", "comment", "INSERT", None, [_comment_came("NEW")]),
    ("gopy_comment_upd", "comment", "UPDATE OF member_id, section_id, consultation_id", None,
     [_comment_gone("OLD"), _comment_came("NEW")]),
    ("gopy_comment_del", "comment", "DELETE", None, [_comment_gone("OLD")]),
    ("gopy_member_ins", "member", "INSERT", None,
     ["UPDATE cell_progress SET members = members + 1 WHERE cell_id = NEW.cell_id"]),
    ("gopy_member_upd", "member", "UPDATE OF cell_id", "OLD.cell_id <> NEW.cell_id",
     [_member_moved("-", "OLD.cell_id", "OLD.id"), _member_moved("+", "NEW.cell_id", "NEW.id")]),
    ("gopy_member_del", "member", "DELETE", None,
     [_member_moved("-", "OLD.cell_id", "OLD.id")]),
    ("gopy_cell_ins", "cell", "INSERT", None, [NEW_CELL_ROWS.format(where="c.id = NEW.id")]),
    ("gopy_cell_upd", "cell", "UPDATE OF code, organization_id", None,
     ["""UPDATE cell_progress SET cell_code = NEW.code,
       organization = (SELECT name FROM organization WHERE id = NEW.organization_id)
       WHERE cell_id = NEW.id"""]),
    ("gopy_organization_upd", "organization", "UPDATE OF name", None,
     ["""UPDATE cell_progress SET organization = NEW.name
       WHERE cell_id IN (SELECT id FROM cell WHERE organization_id = NEW.id)"""]),
    ("gopy_consultation_ins", "consultation", "INSERT", None,
     ["""INSERT INTO consultation_progress (consultation_id, cells, cells_submitted, members,
       started, finished) VALUES (NEW.id, 0, 0, 0, 0, 0)""",
      NEW_CELL_ROWS.format(where="k.id = NEW.id")]),
    ("gopy_submission_ins", "cell_submission", "INSERT", None,
     [_submitted("NEW", "CASE WHEN NEW.reopened_at IS NULL THEN 1 ELSE 0 END")]),
    ("gopy_submission_upd", "cell_submission", "UPDATE", None,
     [_submitted("OLD", "0"),
      _submitted("NEW", "CASE WHEN NEW.reopened_at IS NULL THEN 1 ELSE 0 END")]),
    ("gopy_submission_del", "cell_submission", "DELETE", None, [_submitted("OLD", "0")]),
    ("gopy_cell_progress_ins", "cell_progress", "INSERT", None, [_totals("NEW", "+")]),
    ("gopy_cell_progress_upd", "cell_progress", "UPDATE",
     ("OLD.members <> NEW.members OR OLD.started <> NEW.started "
     "OR OLD.finished <> NEW.finished OR OLD.submitted <> NEW.submitted"),
     [_totals("OLD", "-"), _totals("NEW", "+")]),
    ("gopy_cell_progress_del", "cell_progress", "DELETE", None, [_totals("OLD", "-")]),
]

# In PostgreSQL a trigger runs while other transactions run theirs: each first locks the
# counter row it is about to change, then looks, so that two first comments of one member
# in two transactions count once (the second sees the first's once it has the lock).
PG_LOCK = {
    "progress": "PERFORM 1 FROM cell_progress WHERE consultation_id = {row}.consultation_id "
                "AND cell_id = (SELECT cell_id FROM member WHERE id = {row}.member_id) FOR UPDATE",
    "comment": "PERFORM 1 FROM cell_progress WHERE consultation_id = {row}.consultation_id "
               "AND cell_id = (SELECT cell_id FROM member WHERE id = {row}.member_id) FOR UPDATE",
}

# Every figure of a round recounted from the roster, the triggers adding up the totals;
# run by the migration (existing rounds) and by storage/progress.py's rebuild_counters.
# {where}: "" for every round, or a condition on k (the consultation).
RECOUNT = [
    "DELETE FROM cell_progress WHERE consultation_id IN (SELECT k.id FROM consultation k {where})",
    ("DELETE FROM consultation_progress WHERE consultation_id IN "
    "(SELECT k.id FROM consultation k {where})"),
    """INSERT INTO consultation_progress (consultation_id, cells, cells_submitted, members,
       started, finished) SELECT k.id, 0, 0, 0, 0, 0 FROM consultation k {where}""",
    """INSERT INTO cell_progress (consultation_id, cell_id, organization, cell_code, members,
       started, finished, submitted)
       SELECT k.id, c.id, o.name, c.code,
         (SELECT count(*) FROM member m WHERE m.cell_id = c.id),
         (SELECT count(*) FROM member m WHERE m.cell_id = c.id AND """
    + STATUS.format(m="m.id", c="k.id") + """ = 1),
         (SELECT count(*) FROM member m JOIN progress p ON p.member_id = m.id
            WHERE m.cell_id = c.id AND p.consultation_id = k.id
            AND p.finished_at IS NOT NULL),
         CASE WHEN EXISTS (SELECT 1 FROM cell_submission b WHERE b.cell_id = c.id
            AND b.consultation_id = k.id AND b.reopened_at IS NULL) THEN 1 ELSE 0 END
       FROM consultation k, cell c JOIN organization o ON o.id = c.organization_id
       {where}""",
]


def _sqlite(name: str, table: str, event: str, condition: str | None,
            statements: list[str]) -> list[str]:
    when = f" WHEN {condition}" if condition else ""
    body = ";\n".join(statements)
    return [(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when}\n"
            f"BEGIN\n{body};\nEND")]


def _postgres(name: str, table: str, event: str, condition: str | None,
              statements: list[str]) -> list[str]:
    rows = ("OLD", "NEW") if "UPDATE" in event else ("OLD",) if "DELETE" in event else ("NEW",)
    # PostgreSQL fires AFTER ROW triggers once the whole statement is done, when each row's
    # trigger would see its neighbours (three comments of one member inserted at once would
    # each find the others, and none would count the member as started). BEFORE ROW triggers
    # fire row by row, as SQLite's do: the statements above hold either way, as they never
    # look at the row being changed itself. (So an INSERT … ON CONFLICT on these tables
    # would count a row it then skips: the write path must not use one.)
    before = table in PG_LOCK
    lock = [PG_LOCK[table].format(row=row) for row in rows] if before else []
    body = ";\n".join([*lock, *statements])
    when = f" WHEN ({condition})" if condition else ""
    result = rows[-1] if before else "NULL"  # a BEFORE trigger hands the row on
    return [
        (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
         f"BEGIN\n{body};\nRETURN {result};\nEND $$"),
        (f"CREATE TRIGGER {name} {'BEFORE' if before else 'AFTER'} {event} ON {table} "
         f"FOR EACH ROW{when} EXECUTE FUNCTION {name}()"),
    ]


def trigger_ddl(dialect: str) -> list[str]:
    """CREATE statements for every trigger (and, in PostgreSQL, its function)."""
    build = _postgres if dialect == "postgresql" else _sqlite
    return [ddl for name, table, event, condition, statements in TRIGGERS
            for ddl in build(name, table, event, condition, statements)]


def drop_trigger_ddl(dialect: str) -> list[str]:
    drops = []
    for name, table, *_ in reversed(TRIGGERS):
        if dialect == "postgresql":
            drops += [f"DROP TRIGGER IF EXISTS {name} ON {table}",
                      f"DROP FUNCTION IF EXISTS {name}()"]
        else:
            drops.append(f"DROP TRIGGER IF EXISTS {name}")
    return drops


def recount_sql(consultation_id: int | None = None) -> list[str]:
    """Statements that recount one round's counters (or every round's) from the roster."""
    where = "" if consultation_id is None else f"WHERE k.id = {int(consultation_id)}"
    return [statement.format(where=where) for statement in RECOUNT]

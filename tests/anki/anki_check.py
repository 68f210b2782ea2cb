#!/usr/bin/env python3
"""Drive the official Anki library (PyPI `anki`) for mdcards' export tests.

Usage:
  anki_check.py import COLLECTION PACKAGE   import with default options; print the log and state
  anki_check.py review COLLECTION GUID      answer the note's first card "Good"; print the state
  anki_check.py state COLLECTION            print the collection's state

Everything is printed as one JSON object on stdout. COLLECTION is created when missing.
"""

import json
import os
import sys

from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.scheduler.v3 import CardAnswer


LOG_KINDS = [
    "new",
    "updated",
    "duplicate",
    "conflicting",
    "first_field_match",
    "missing_notetype",
    "missing_deck",
    "empty_first_field",
]


def state(col):
    col.models._clear_cache()
    notetypes = []
    for entry in col.models.all_names_and_ids():
        model = col.models.get(entry.id)
        notetypes.append(
            {
                "id": model["id"],
                "name": model["name"],
                "mod": model["mod"],
                "fields": [field["name"] for field in model["flds"]],
                "templates": [t["name"] for t in model["tmpls"]],
                "css": model["css"],
                "qfmt": model["tmpls"][0]["qfmt"],
                "afmt": model["tmpls"][0]["afmt"],
            }
        )
    notes = []
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        model = note.note_type()
        cards = note.cards()
        notes.append(
            {
                "id": note.id,
                "guid": note.guid,
                "mod": note.mod,
                "notetype": model["name"],
                "fields": dict(zip([f["name"] for f in model["flds"]], note.fields)),
                "tags": sorted(note.tags),
                "decks": sorted({col.decks.name(card.did) for card in cards}),
                "cards": len(cards),
                "reviews": sum(
                    col.db.scalar("select count() from revlog where cid = ?", card.id)
                    for card in cards
                ),
            }
        )
    media_dir = col.media.dir()
    # Anki's "Check Database": reports what it had to repair; a clean run says only this.
    problems, _ok = col.fix_integrity()
    clean = "Database rebuilt and optimized."
    return {
        "decks": sorted(d.name for d in col.decks.all_names_and_ids()),
        "notetypes": notetypes,
        "notes": sorted(notes, key=lambda n: n["guid"]),
        "card_count": col.card_count(),
        "revlog": col.db.scalar("select count() from revlog"),
        "media": sorted(os.listdir(media_dir)) if os.path.isdir(media_dir) else [],
        "integrity_problems": [
            line for line in problems.splitlines() if line.strip() and line.strip() != clean
        ],
    }


def import_package(col, package):
    request = ImportAnkiPackageRequest(
        package_path=os.path.abspath(package), options=ImportAnkiPackageOptions()
    )
    response = col.import_anki_package(request)
    log = {kind: len(getattr(response.log, kind)) for kind in LOG_KINDS}
    log["found_notes"] = response.log.found_notes
    log["updated_first_fields"] = sorted(
        list(note.fields)[0] if note.fields else "" for note in response.log.updated
    )
    return log


def review(col, guid):
    nid = col.db.scalar("select id from notes where guid = ?", guid)
    if nid is None:
        raise SystemExit(f"no note with guid {guid}")
    card = col.get_note(nid).cards()[0]
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    answer = col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD)
    col.sched.answer_card(answer)


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    command, collection = argv[1], argv[2]
    col = Collection(collection)
    try:
        out = {}
        if command == "import":
            out["log"] = import_package(col, argv[3])
        elif command == "review":
            review(col, argv[3])
        elif command != "state":
            raise SystemExit(__doc__)
        out["state"] = state(col)
    finally:
        col.close()
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv)

//! Anki package export (legacy schema 11) with askama-rendered cards.

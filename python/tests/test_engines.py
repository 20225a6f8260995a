"""The README's Dask bag recipe (local processes scheduler) gives the CLI's records."""

import json

import dask.bag as db

import pia_extract


def test_dask_bag_recipe(paths, cli_records, tmp_path):
    bag = db.from_sequence(paths, npartitions=4).map(pia_extract.extract)
    assert bag.compute(scheduler="processes") == cli_records
    # the README's way to write JSON Lines
    bag.map(json.dumps, ensure_ascii=False).to_textfiles(str(tmp_path / "records-*.jsonl"), compute=True, scheduler="processes")
    lines = [l for f in sorted(tmp_path.glob("records-*.jsonl"), key=lambda p: int(p.stem.split("-")[1])) for l in f.read_text(encoding="utf-8").splitlines()]
    assert [json.loads(l) for l in lines] == cli_records

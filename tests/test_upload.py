"""Packages published at storage URLs (``build --out s3://…``, ``mscdata upload``) and read
back from them (``validate``, ``load``), against a local S3 server (moto, 127.0.0.1)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_hostile_inputs import RECORD, pubmed_set

import mscdata
from mscdata.builder import upload as uploading
from mscdata.cli import main
from mscdata.storage_urls import is_storage_url, parse_options

from conftest import folder_files, seed_only_sources

s3fs = pytest.importorskip("s3fs", reason="s3fs is not installed (the test extra has it)")
moto_server = pytest.importorskip(
    "moto.server", reason="moto[s3] with flask is not installed (the test extra has them)"
)


@pytest.fixture(scope="module")
def s3_server():
    """The storage options of an S3 server on 127.0.0.1 (moto), for the module."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield {"endpoint_url": f"http://{host}:{port}", "key": "test", "secret": "test"}
    server.stop()


@pytest.fixture
def bucket(s3_server, monkeypatch):
    """(URL of a package in a new bucket, storage options, file system); reading storage
    URLs without options (validate, load) finds the server through fsspec's config."""
    import fsspec.config

    monkeypatch.setitem(fsspec.config.conf, "s3", dict(s3_server))
    fs = s3fs.S3FileSystem(**s3_server, skip_instance_cache=True)
    name = f"b-{uuid.uuid4().hex[:12]}"
    fs.mkdir(name)
    return f"s3://{name}/mscdata", dict(s3_server), fs


def _sources(folder: Path, count: int) -> Path:
    """A PubMed file of ``count`` records (PMIDs 1…count)."""
    folder.mkdir(parents=True)
    (folder / "pubmed21n0001.xml").write_bytes(
        pubmed_set(*[RECORD % n for n in range(1, count + 1)])
    )
    return folder / "pubmed21n0001.xml"


def _objects(fs, url: str) -> dict[str, bytes]:
    """Every object below ``url`` by its path under it."""
    root = url.removeprefix("s3://")
    fs.invalidate_cache()
    return {path[len(root) + 1 :]: fs.cat_file(path) for path in sorted(fs.find(root))}


def _pointer(fs, url: str) -> dict:
    return json.loads(fs.cat_file(f"{url.removeprefix('s3://')}/datapackage.json"))


def _versions(fs, url: str) -> list[str]:
    fs.invalidate_cache()
    return sorted(p.rsplit("/", 1)[1] for p in fs.ls(f"{url.removeprefix('s3://')}/versions"))


def test_a_build_to_a_storage_url_publishes_the_package_built_in_its_work_folder(bucket, tmp_path):
    url, options, fs = bucket
    work = tmp_path / "work"
    assert (
        mscdata.build(seed_only_sources(tmp_path / "src"), url, work=work, storage_options=options)
        == url
    )
    [version] = _versions(fs, url)
    stored = _objects(fs, url)
    local = folder_files(work, hidden=False)
    # the version holds the package byte for byte (the record store stays in the work folder)
    assert {
        k.removeprefix(f"versions/{version}/"): v
        for k, v in stored.items()
        if k.startswith("versions/")
    } == local
    pointer = _pointer(fs, url)
    own = json.loads(local["datapackage.json"])
    for mine, theirs in zip(pointer["resources"], own["resources"], strict=True):
        assert mine.pop("path") == f"versions/{version}/{theirs.pop('path')}"
        assert mine == theirs
    assert mscdata.validate(url).valid
    assert [a.pmid for a in mscdata.load(url)] == ["26237144"]
    assert mscdata.load(f"{url}/datapackage.json").version == own["version"]


def test_each_build_publishes_a_new_version_and_keeps_the_previous_one(bucket, tmp_path):
    url, options, fs = bucket
    published = []
    for count in (3, 5, 7):
        mscdata.build(
            _sources(tmp_path / f"s{count}", count),
            url,
            work=tmp_path / "w",
            storage_options=options,
        )
        published.append(_pointer(fs, url)["resources"][0]["path"].split("/")[1])
        assert len(mscdata.load(url)) == count
    assert len(set(published)) == 3
    assert _versions(fs, url) == sorted(published[1:])  # the first removed, the previous kept


def test_the_same_package_is_not_uploaded_again(bucket, tmp_path):
    url, options, fs = bucket
    work = tmp_path / "w"
    mscdata.build(_sources(tmp_path / "s", 2), url, work=work, storage_options=options)
    before = _objects(fs, url)
    done = mscdata.upload(work, url, storage_options=options)
    assert done.unchanged and done.files == 0 and done.removed == []
    assert _objects(fs, url) == before


def test_a_failed_upload_leaves_the_previous_package_and_the_next_one_cleans_up(
    bucket, tmp_path, monkeypatch
):
    url, options, fs = bucket
    work = tmp_path / "w"
    mscdata.build(_sources(tmp_path / "a", 2), url, work=work, storage_options=options)
    before = _objects(fs, url)
    real, sent = uploading.put_file, []

    def failing(fs_, local, remote):
        if len(sent) == 3:
            raise mscdata.BuildError(f"{remote}: connection reset")
        sent.append(remote)
        return real(fs_, local, remote)

    monkeypatch.setattr(uploading, "put_file", failing)
    monkeypatch.setattr(uploading, "UPLOAD_THREADS", 1)
    with pytest.raises(mscdata.BuildError, match=r"connection reset.*mscdata upload"):
        mscdata.build(_sources(tmp_path / "b", 4), url, work=work, storage_options=options)
    after = _objects(fs, url)
    assert {k: after[k] for k in before} == before  # the previous package, as it was
    assert len(_versions(fs, url)) == 2  # and the part the failed upload wrote
    assert len(mscdata.load(url)) == 2
    monkeypatch.setattr(uploading, "put_file", real)
    done = mscdata.upload(work, url, storage_options=options)  # as the error advises
    assert len(mscdata.load(url)) == 4
    assert len(done.removed) == 0 and len(_versions(fs, url)) == 2  # new and previous
    mscdata.build(_sources(tmp_path / "c", 6), url, work=work, storage_options=options)
    assert len(_versions(fs, url)) == 2


def test_an_object_stored_short_is_refused_before_the_package_points_at_it(
    bucket, tmp_path, monkeypatch
):
    url, options, fs = bucket
    package = tmp_path / "pkg"
    mscdata.build(_sources(tmp_path / "s", 2), package)
    import fsspec

    used = fsspec.filesystem("s3", **options)  # the instance the upload gets (fsspec's cache)
    monkeypatch.setattr(used, "size", lambda path: 1)
    with pytest.raises(mscdata.BuildError, match="1 bytes stored"):
        mscdata.upload(package, url, storage_options=options)
    monkeypatch.undo()
    assert not fs.exists(f"{url.removeprefix('s3://')}/datapackage.json")


def test_a_url_holding_other_objects_is_refused(bucket, tmp_path):
    url, options, fs = bucket
    fs.pipe_file(f"{url.removeprefix('s3://')}/notes.txt", b"mine")
    with pytest.raises(mscdata.BuildError, match=r"holds objects but no datapackage\.json"):
        mscdata.build(
            seed_only_sources(tmp_path / "s"), url, work=tmp_path / "w", storage_options=options
        )
    assert _objects(fs, url) == {"notes.txt": b"mine"}


def test_an_invalid_package_is_not_uploaded(bucket, tmp_path, built_package):
    url, options, fs = bucket
    articles = built_package / "articles.csv"
    articles.write_text(articles.read_text(encoding="utf-8") + "broken\n", encoding="utf-8")
    with pytest.raises(mscdata.BuildError, match="invalid"):
        mscdata.upload(built_package, url, storage_options=options)
    assert not fs.exists(url.removeprefix("s3://"))


def test_a_storage_url_without_its_file_system_says_what_to_install(tmp_path):
    pytest.importorskip("fsspec")
    try:
        import gcsfs  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("gcsfs is installed here")
    with pytest.raises(mscdata.BuildError, match="gcsfs"):
        mscdata.build(seed_only_sources(tmp_path / "s"), "gcs://bucket/pkg", work=tmp_path / "w")
    assert not (tmp_path / "w").exists()  # refused before anything was built
    with pytest.raises(mscdata.BuildError, match="nosuch"):
        mscdata.build(seed_only_sources(tmp_path / "t"), "nosuch://bucket/pkg", work=tmp_path / "w")


def test_a_file_url_is_a_folder(tmp_path):
    out = tmp_path / "pkg"
    assert mscdata.build(seed_only_sources(tmp_path / "s"), f"file://{out}") == out
    assert mscdata.validate(out).valid


def test_the_command_line_builds_uploads_and_validates_a_storage_url(bucket, tmp_path, capsys):
    url, options, _ = bucket
    given_options = [f"--storage-option={k}={v}" for k, v in options.items()]
    work = tmp_path / "w"
    sources = str(seed_only_sources(tmp_path / "s"))
    assert (
        main(
            ["build", "-q", "--sources", sources, "--out", url, "--work", str(work), *given_options]
        )
        == 0
    )
    assert f"built and validated: {url}/datapackage.json (1 article)" in capsys.readouterr().out
    assert main(["upload", "-q", str(work), url, *given_options]) == 0
    assert "unchanged:" in capsys.readouterr().out
    assert main(["validate", url]) == 0
    capsys.readouterr()
    assert main(["upload", "-q", str(work), url, "--storage-option", "endpoint_url"]) == 2
    assert "not KEY=VALUE" in capsys.readouterr().err
    assert main(["upload", "-q", str(work), "/not/a/url"]) == 2
    assert "not a storage URL" in capsys.readouterr().err


def test_a_cluster_build_to_a_storage_url_is_uploaded_by_the_workers(
    bucket, tmp_path, dask_cluster, monkeypatch
):
    url, options, fs = bucket
    address, _ = dask_cluster
    sources = _sources(tmp_path / "s", 20)
    local = tmp_path / "local"
    mscdata.build(sources, local)

    def not_here(fs_):
        raise AssertionError("a cluster build uploads on the workers")

    monkeypatch.setattr(uploading, "_here", not_here)
    mscdata.build(sources, url, work=tmp_path / "w", storage_options=options, scheduler=address)
    [version] = _versions(fs, url)
    stored = {
        k.removeprefix(f"versions/{version}/"): v
        for k, v in _objects(fs, url).items()
        if k.startswith("versions/")
    }
    assert stored == folder_files(local, hidden=False)


@given(
    st.lists(
        st.one_of(
            st.from_regex(r"[a-z_]{1,12}\.csv", fullmatch=True),
            st.lists(
                st.from_regex(r"[a-z_]{1,12}-0000[1-9]\.parquet", fullmatch=True),
                min_size=1,
                max_size=3,
            ),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_the_published_descriptor_names_one_version_and_reads_back_as_it(paths):
    descriptor = {"resources": [{"name": f"t{i}", "path": p} for i, p in enumerate(paths)]}
    text = json.dumps(descriptor).encode()
    pointer = uploading._pointer(text, "versions/0123456789abcdef")

    class Stored:
        def cat_file(self, path):
            return pointer

    assert uploading._published(Stored(), "b/p", "s3://b/p") == (
        "versions/0123456789abcdef",
        pointer,
    )
    for resource, before in zip(json.loads(pointer)["resources"], paths, strict=True):
        after = resource["path"]
        assert [
            p.removeprefix("versions/0123456789abcdef/")
            for p in (after if isinstance(after, list) else [after])
        ] == (before if isinstance(before, list) else [before])


def test_storage_options_and_urls_are_read_as_given():
    options = ["anon=true", "port=9000", "pin=0012", "ratio=0.5", "secret=nan", "u=http://h:1/x=y"]
    assert parse_options(options) == {
        "anon": True,
        "port": 9000,
        "pin": "0012",  # passwords and tokens are passed as written
        "ratio": "0.5",
        "secret": "nan",
        "u": "http://h:1/x=y",
    }
    with pytest.raises(ValueError, match="not KEY=VALUE"):
        parse_options(["=x"])
    assert is_storage_url("s3://b/p") and is_storage_url("GS://b") and is_storage_url("az://c/p")
    assert not any(
        map(is_storage_url, ["https://x/datapackage.json", "file:///tmp/p", "C:\\pkg", "pkg", None])
    )


def _own_package(folder: Path, title: str) -> Path:
    """A package of one table described by hand: no hashes, its schema in a file."""
    (folder / "schemas").mkdir(parents=True)
    (folder / "notes.csv").write_text(f"id,title\n1,{title}\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "title", "type": "string"}]}
    (folder / "schemas" / "notes.json").write_text(json.dumps(schema), encoding="utf-8")
    descriptor = {
        "name": "notes",
        "resources": [{"name": "notes", "path": "notes.csv", "schema": "schemas/notes.json"}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def test_other_bytes_never_go_where_readers_read_even_without_hashes(bucket, tmp_path):
    """A package whose descriptor holds no hashes: a change of content of the same size is a
    new version, and the files of the one readers are reading are never written again; a
    schema given by path goes with it."""
    url, options, fs = bucket
    package = _own_package(tmp_path / "pkg", "alpha")
    first = mscdata.upload(package, url, storage_options=options, validate=False)
    before = _objects(fs, url)
    (package / "notes.csv").write_text("id,title\n1,omega\n", encoding="utf-8")  # same size
    second = mscdata.upload(package, url, storage_options=options, validate=False)
    assert not second.unchanged and second.version != first.version
    after = _objects(fs, url)
    assert {k: v for k, v in after.items() if k.startswith(first.version)} == {
        k: v for k, v in before.items() if k.startswith(first.version)
    }
    pointer = _pointer(fs, url)["resources"][0]
    assert pointer["schema"] == f"{second.version}/schemas/notes.json"
    assert after[pointer["path"]] == b"id,title\n1,omega\n"
    from mscdata.validator.fetch_package import fetch

    fetched = fetch(url, tmp_path / "fetched")  # as validate and load read it back
    assert (fetched / pointer["schema"]).read_bytes() == after[pointer["schema"]]


def test_an_unreachable_store_is_one_error_before_anything_is_built(tmp_path, capsys):
    url = "s3://bucket/pkg"
    options = ["--storage-option=endpoint_url=http://127.0.0.1:9", "--storage-option=key=k"]
    sources = str(seed_only_sources(tmp_path / "s"))
    work = tmp_path / "w"
    given = ["build", "-q", "--sources", sources, "--out", url, "--work", str(work), *options]
    assert main([*given, "--storage-option=secret=s"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("mscdata build: error: s3://bucket/pkg: ") and "internal" not in error
    assert not work.exists()
    assert main(["validate", "s3://bucket/pkg"]) in (1, 2)  # no endpoint, no credentials here
    assert "internal error" not in capsys.readouterr().err


def test_a_clean_up_that_fails_leaves_the_package_published(bucket, tmp_path, monkeypatch):
    import fsspec

    url, options, fs = bucket
    package = _own_package(tmp_path / "pkg", "alpha")
    mscdata.upload(package, url, storage_options=options, validate=False)
    used = fsspec.filesystem("s3", **options)
    listing = used.ls

    def refused(path, *args, **kwargs):
        if path.endswith("/versions"):
            raise PermissionError("Access Denied")
        return listing(path, *args, **kwargs)

    monkeypatch.setattr(used, "ls", refused)
    (package / "notes.csv").write_text("id,title\n1,beta\n", encoding="utf-8")
    done = mscdata.upload(package, url, storage_options=options, validate=False)
    assert done.removed == [] and _pointer(fs, url)["resources"][0]["path"].startswith(done.version)


def test_an_upload_waits_for_no_update_of_its_folder(bucket, tmp_path):
    from mscdata.builder.publish import holding_lock

    url, options, _ = bucket
    package = _own_package(tmp_path / "pkg", "alpha")
    with holding_lock(package), pytest.raises(mscdata.BuildError, match="another build"):
        mscdata.upload(package, url, storage_options=options, validate=False)


def test_file_urls_are_folders_everywhere(built_package):
    url = built_package.as_uri()
    assert mscdata.validate(url).valid
    assert len(mscdata.load(url)) == 115


def test_any_fsspec_file_system_takes_a_package(tmp_path):
    """fsspec's in-memory file system, which keeps folders: the same steps, the same
    package read back."""
    fsspec = pytest.importorskip("fsspec")
    url = f"memory://mscdata-{uuid.uuid4().hex[:8]}/pkg"
    try:
        mscdata.build(seed_only_sources(tmp_path / "s"), url, work=tmp_path / "w")
        assert [a.pmid for a in mscdata.load(url)] == ["26237144"]
        assert mscdata.upload(tmp_path / "w", url).unchanged
    finally:
        fsspec.filesystem("memory").rm(url.removeprefix("memory://").split("/")[0], recursive=True)

"""Tests for mk.plot.interactive: limits, accessibility markup, nbval markers."""

import base64
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mlpkit import plot  # noqa: E402

ALT = 'A sine wave that shifts right as the phase grows; "quoted" & <escaped>'


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _sine(n=6, figsize=(2.0, 1.5), dpi=40, **kw):
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    x = np.linspace(0, 6, 50)
    (line,) = ax.plot(x, np.sin(x))
    seen = []

    def update(i):
        seen.append(i)
        line.set_ydata(np.sin(x + 0.5 * i))

    kw.setdefault("alt", ALT)
    return plot.interactive(fig, update, n, **kw), seen, fig


@pytest.fixture(scope="module")
def figure():
    with plt.rc_context():
        out, seen, _ = _sine(labels=[f"phase {0.5 * i:.1f}" for i in range(6)], key_frame=2)
    plt.close("all")
    return out, seen


def test_repr_is_deterministic_and_machine_independent(figure):
    out, _ = figure
    assert repr(out) == "InteractiveFigure(6 frames, key frame 2)"
    bundle = out._repr_mimebundle_()
    assert bundle["text/plain"] == repr(out)
    assert bundle["text/html"] == out._repr_html_() == out.html
    assert base64.b64decode(bundle["image/png"]) == out.key_frame_png
    assert out.key_frame_png.startswith(b"\x89PNG")


def test_every_frame_drawn_and_figure_closed():
    _, seen, fig = _sine(n=4)
    assert set(range(4)) <= set(seen)
    assert not plt.fignum_exists(fig.number)


def test_html_has_one_frame_per_step_and_the_key_frame_is_one_of_them(figure):
    out, _ = figure
    frames = re.findall(r'frames\[(\d+)\] = "data:image/png;base64,([^"]*)"', out.html)
    assert [int(i) for i, _ in frames] == list(range(6))
    assert base64.b64decode(frames[2][1]) == out.key_frame_png


def test_every_img_has_the_alt_text(figure):
    out, _ = figure
    imgs = re.findall(r"<img\b[^>]*>", out.html)
    assert len(imgs) == 2  # the player's frame and the key frame
    escaped = (
        'alt="A sine wave that shifts right as the phase grows; &quot;quoted&quot; '
        '&amp; &lt;escaped&gt;"'
    )
    assert all(escaped in img for img in imgs)


def test_wrapper_is_a_labelled_group_around_the_marked_payload(figure):
    out, _ = figure
    h = out.html
    assert h.startswith('<div class="mlpkit-interactive" role="group" aria-label="A sine wave')
    assert h.count(plot.PAYLOAD_BEGIN) == 1 and h.count(plot.PAYLOAD_END) == 1
    outside = h.split(plot.PAYLOAD_BEGIN)[0] + h.split(plot.PAYLOAD_END)[1]
    assert "base64" not in outside and "id=" not in outside  # nothing machine-dependent


def test_slider_is_a_native_range_input_with_aria_label(figure):
    out, _ = figure
    sliders = re.findall(r'<input[^>]*type="range"[^>]*>', out.html, re.S)
    assert len(sliders) == 1
    assert 'aria-label="Frame (1 to 6) of the interactive figure"' in sliders[0]
    assert "oninput=" in sliders[0]


def test_labels_are_embedded_and_updated_with_the_frame(figure):
    out, _ = figure
    assert (
        '["phase 0.0", "phase 0.5", "phase 1.0", "phase 1.5", "phase 2.0", "phase 2.5"]' in out.html
    )
    assert 'aria-live="polite"' in out.html and "aria-valuetext" in out.html
    assert "var key = 2;" in out.html


def test_offline_no_cdn_and_print_and_noscript_fallback(figure):
    out, _ = figure
    assert "http://" not in out.html and "https://" not in out.html
    assert 'class="fa' not in out.html
    assert "@media print" in out.html and "<noscript>" in out.html
    key = out.html.split('<div class="mlpkit-key-frame">')[1].split("</div></div>")[0]
    assert "<img alt=" in key and '<div class="mlpkit-frame-label">phase 1.0' in key


def test_default_labels_and_negative_key_frame():
    out, _, _ = _sine(n=3)
    assert out.labels == ["frame 1 of 3", "frame 2 of 3", "frame 3 of 3"]
    assert out.key_frame == 2 and repr(out) == "InteractiveFigure(3 frames, key frame 2)"


def test_same_input_gives_identical_html():
    a, _, _ = _sine(n=3)
    b, _, _ = _sine(n=3)
    assert a.html == b.html


def test_frame_limit_names_limit_and_value():
    fig = plt.figure()
    with pytest.raises(ValueError, match=r"n_frames=61 .*max_frames=60"):
        plot.interactive(fig, lambda i: None, 61, alt="x")
    with pytest.raises(ValueError, match=r"n_frames=5 .*max_frames=4"):
        plot.interactive(fig, lambda i: None, 5, alt="x", max_frames=4)


def test_size_limit_names_limit_and_size():
    with pytest.raises(ValueError, match=r"is [\d,]+ bytes, over the limit max_bytes=1,000"):
        _sine(n=3, max_bytes=1000)


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        ({"alt": ""}, ValueError, "alt must describe"),
        ({"alt": None}, TypeError, "alt must be a string"),
        ({"labels": ["a"]}, ValueError, "one string per frame"),
        ({"labels": "abc"}, TypeError, "labels must be a sequence"),
        ({"key_frame": 6}, ValueError, r"key_frame must be in \[-6, 5\]"),
        ({"key_frame": 1.0}, TypeError, "key_frame must be an int"),
        ({"interval": 0}, ValueError, "interval must be an int >= 1"),
        ({"max_frames": True}, TypeError, "max_frames must be an int"),
    ],
)
def test_bad_arguments(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        _sine(**kwargs)


def test_bad_fig_and_update():
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        plot.interactive(plt.gca(), lambda i: None, 3, alt="x")
    with pytest.raises(TypeError, match="update must be a function"):
        plot.interactive(plt.figure(), None, 3, alt="x")
    with pytest.raises(TypeError, match="n_frames must be an int"):
        plot.interactive(plt.figure(), lambda i: None, 2.0, alt="x")

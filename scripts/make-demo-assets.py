#!/usr/bin/env python3
"""Regenerates the demo catalog's files in domain/demo/.

The outputs are committed; this script records how they were made. Covers are
rendered from HTML by headless Chromium and the video by ffmpeg (Debian's
packages), neither of which the store itself needs.
"""
import io, math, os, struct, subprocess, sys, tempfile, wave, zipfile

OUT = os.path.join(os.path.dirname(__file__), "..", "domain", "demo")
FIXED_ZIP_TIME = (2026, 11, 1, 12, 0, 0)


def pdf(path):
    """A small, valid, two-page PDF e-book with real text."""
    pages = [
        ["The Field Guide to Quiet Software", "", "Chapter 1. Software that stays out of the way",
         "Quiet software does one thing, says little, and never loses your work.",
         "It starts fast, fails loudly only when it must, and leaves no mess."],
        ["Chapter 2. Defaults", "", "A good default is a decision made once, for everyone.",
         "Ship the boring choice. Make the clever one possible, never required."],
    ]
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", None,
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        ops = ["BT", "/F1 22 Tf", "72 720 Td", "28 TL"]
        for i, line in enumerate(lines):
            if i == 1:
                ops.append("/F1 12 Tf")
            esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({esc}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops)
        objs.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        content_id = len(objs)
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>")
        kids.append(f"{len(objs)} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{obj}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    open(path, "wb").write(out.getvalue())


def wav(path, seconds=3.0, rate=16000):
    """Soft rain: filtered noise with a slow swell (deterministic)."""
    seed, prev, frames = 12345, 0.0, bytearray()
    for n in range(int(seconds * rate)):
        seed = (1103515245 * seed + 12345) & 0x7FFFFFFF
        noise = seed / 0x7FFFFFFF * 2 - 1
        prev = 0.92 * prev + 0.08 * noise
        swell = 0.6 + 0.4 * math.sin(2 * math.pi * n / (rate * seconds))
        tone = 0.15 * math.sin(2 * math.pi * 220 * n / rate) * swell
        frames += struct.pack("<h", int(max(-1, min(1, prev * 3 + tone)) * 12000))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


def zip_of(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)


def icons():
    shapes = {
        "circle": '<circle cx="12" cy="12" r="8"/>',
        "square": '<rect x="4" y="4" width="16" height="16" rx="2"/>',
        "triangle": '<path d="M12 4 20 19H4Z"/>',
        "download": '<path d="M12 4v11m-5-5 5 5 5-5M5 20h14"/>',
        "heart": '<path d="M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10Z"/>',
        "star": '<path d="m12 3 2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9Z"/>',
    }
    members = {"README.txt": "Mono Icons: 24px stroke icons. License: use in any project.\n"}
    for name, body in shapes.items():
        members[f"mono-icons/{name}.svg"] = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" '
            'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
            f'stroke-linejoin="round">{body}</svg>\n')
    return members


COVERS = {
    "field-guide": ("#f4efe6", "#1f3a5f", "#e07a5f", "The Field Guide<br>to Quiet Software", "E-BOOK · PDF"),
    "night-rain": ("#101828", "#9ec5fe", "#3b5bdb", "Night Rain", "AMBIENT AUDIO · WAV"),
    "harbour": ("#ffb38a", "#3d1f47", "#ff7b54", "Harbour at Dusk", "TIMELAPSE · WEBM"),
    "pixel-sorter": ("#e6fcf5", "#087f5b", "#12b886", "Pixel Sorter 2.1", "SOFTWARE · ZIP"),
    "mono-icons": ("#ffffff", "#212529", "#fab005", "Mono Icons", "SVG ICON SET"),
    "insider": ("#2b2d42", "#edf2f4", "#ef233c", "Downlink Insider", "MEMBERSHIP"),
}


def covers():
    for name, (bg, fg, accent, title, label) in COVERS.items():
        html = f"""<!doctype html><html><body style="margin:0;width:960px;height:640px;background:{bg};
        font-family:'DejaVu Sans',sans-serif;color:{fg};position:relative;overflow:hidden">
        <div style="position:absolute;right:-120px;top:-120px;width:520px;height:520px;border-radius:50%;background:{accent}"></div>
        <div style="position:absolute;right:140px;bottom:-160px;width:300px;height:300px;background:{fg};opacity:.12;transform:rotate(20deg)"></div>
        <div style="position:absolute;left:64px;bottom:96px;font-size:64px;font-weight:bold;line-height:1.1">{title}</div>
        <div style="position:absolute;left:66px;top:64px;font-size:22px;letter-spacing:4px">{label}</div>
        </body></html>"""
        with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
            f.write(html)
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", f"--screenshot={OUT}/cover-{name}.png", "--window-size=960,640",
                        f"file://{f.name}"], check=True, capture_output=True)


def video(path):
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    "gradients=s=320x180:d=3:speed=0.05:c0=ff7b54:c1=3d1f47:r=12",
                    "-c:v", "libvpx-vp9", "-b:v", "150k", "-pix_fmt", "yuv420p", path], check=True)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    pdf(f"{OUT}/field-guide-to-quiet-software.pdf")
    wav(f"{OUT}/night-rain.wav")
    zip_of(f"{OUT}/pixel-sorter-2.1.zip", {
        "pixel-sorter/README.md": "# Pixel Sorter 2.1\n\nSorts the pixels of each row of an image by brightness.\n\n    python3 pixel_sorter.py in.ppm out.ppm\n",
        "pixel-sorter/pixel_sorter.py": "import sys\n\ndef main(src, dst):\n    head, body = open(src, 'rb').read().split(b'\\n255\\n', 1)\n    w = int(head.split()[1])\n    px = [body[i:i + 3] for i in range(0, len(body), 3)]\n    rows = [sorted(px[r:r + w], key=sum) for r in range(0, len(px), w)]\n    open(dst, 'wb').write(head + b'\\n255\\n' + b''.join(p for row in rows for p in row))\n\nif __name__ == '__main__':\n    main(*sys.argv[1:3])\n",
        "pixel-sorter/LICENSE.txt": "Licensed to the buyer for use on their own machines.\n",
    })
    zip_of(f"{OUT}/mono-icons.zip", icons())
    video(f"{OUT}/harbour-at-dusk.webm")
    covers()
    for name in sorted(os.listdir(OUT)):
        print(f"{os.path.getsize(os.path.join(OUT, name)):>8}  {name}")

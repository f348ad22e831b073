"""A photographed or scanned form (PNG, JPEG, TIFF, BMP, GIF, WebP) → lines of cells, by OCR.

The image's size is checked from its header before a pixel is decoded: above ``MAX_PIXELS`` it is
refused (a pixel bomb, or a poster rather than a page). A multi-frame TIFF or GIF is read frame
by frame, as pages. See ``ocr.py`` for the recogniser and how boxes become cells.
"""

from __future__ import annotations

import io

from .source import SourceLines, UnreadableFile

MAX_PIXELS = 50_000_000  # an A4 page scanned at 600 dpi is 35 million
MAX_FRAMES = 50


def lines(data: bytes) -> SourceLines:
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    from . import ocr

    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableFile(
            "corrupt_file", f"the image cannot be opened, it is damaged or not an image ({exc})"
        ) from exc
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise UnreadableFile(
            "image_too_large",
            f"the image is {width:,} × {height:,} pixels, over the {MAX_PIXELS / 1e6:.0f} million pixel limit "
            "(a page scanned at 600 dpi is 35 million): scan it at 300 dpi",
        )
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_FRAMES:
        raise UnreadableFile(
            "too_many_pages", f"the image has {frames} frames, over the limit of {MAX_FRAMES}"
        )
    result = SourceLines()
    for frame in range(frames):
        try:
            image.seek(frame)
            # a phone photo's EXIF orientation turned upright; transparency flattened onto white
            page = ImageOps.exif_transpose(image).convert("RGBA")
            gray = Image.alpha_composite(Image.new("RGBA", page.size, "white"), page).convert("L")
        except (OSError, ValueError, SyntaxError) as exc:  # truncated or damaged pixel data
            raise UnreadableFile(
                "corrupt_file", f"the image's pixels cannot be decoded, it is damaged ({exc})"
            ) from exc
        ocr.read_page(np.asarray(gray), "image" if frames == 1 else f"image frame {frame + 1}", result)
    return result

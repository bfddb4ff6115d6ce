"""Why a file (or an archive) could not be imported. Each error fails that file only."""

from __future__ import annotations

from holoptic.errors import HolopticError


class ImportFileError(HolopticError):
    """A file that cannot be imported as a whole; nothing of it is kept."""

    code = "import.file_error"
    status = 422


class MalformedFile(ImportFileError):
    """The file is not valid for its format (truncated JSON, broken XML…)."""

    code = "import.malformed"


class UnsafeContent(ImportFileError):
    """Entity declarations, external references or other hostile constructs."""

    code = "import.unsafe_content"


class RecordTooLarge(ImportFileError):
    code = "import.record_too_large"


class UnsafeArchive(ImportFileError):
    """Path traversal, absolute paths, links or devices inside an archive."""

    code = "import.unsafe_archive"


class ArchiveTooLarge(ImportFileError):
    """The archive would expand beyond the configured limits (a zip bomb, perhaps)."""

    code = "import.archive_too_large"


class UnreadableInput(ImportFileError):
    """A path that does not exist or cannot be read."""

    code = "import.unreadable_input"

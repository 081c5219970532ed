"""Messages of the casefolder layer: key -> (zh_CN, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
}

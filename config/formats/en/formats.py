# English pages keep the Vietnamese conventions: dd/mm/yyyy, "." for thousands.
from config.formats.vi.formats import *  # noqa: F403

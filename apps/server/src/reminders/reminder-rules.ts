// What a valid reminder looks like, in one place for the REST API (whose contract states the same rules in
// openapi.yaml, checked before handlers run) and the MCP tools (zod schemas built from these constants).
import { reminderChannels } from '../store/db/schema.ts';

export const REMINDER_TEXT_MAX = 500;

/** E.164: `+`, a country code not starting with 0, at most 15 digits in all. */
export const E164_PHONE = /^\+[1-9][0-9]{1,14}$/;

/** RFC 3339 date-time with a mandatory UTC offset (`Z` or `±hh:mm`); a bare local time is ambiguous. */
export const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

export const REMINDER_CHANNELS = reminderChannels;

export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;

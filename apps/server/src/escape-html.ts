// Text placed into the server's own HTML pages (the authorization error page, the /docs page): the five
// characters that can end an element or an attribute value become character references (HTML Living
// Standard §13.1.4), so text and attribute values stay text.
const REFERENCES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => REFERENCES[c] ?? c);

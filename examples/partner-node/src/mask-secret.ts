/** Enough of a secret to recognise it in logs (`rmt_AbCd…`), never the secret itself. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 8)}…`;
}

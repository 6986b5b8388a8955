import { variableSpec } from './variables.ts';

/** Names that hold credentials: tokens, keys, passwords, kubeconfig contents. */
const SECRET_NAME = /TOKEN(?!IZER)|KEY|PASSWORD|PASSWD|SECRET|CREDENTIAL|KUBECONFIG|CONTEXT_CONTENTS/i;

/**
 * Whether a variable's value must never be shown in clear. The catalog decides
 * for its own variables (two of them only *name* a Kubernetes Secret and its
 * key); any other name is secret when it looks like a credential.
 */
export function isSecretName(name: string): boolean {
  const spec = variableSpec(name);
  if (spec?.secret !== undefined) return spec.secret;
  return SECRET_NAME.test(name);
}

/** `****` + the last 4 characters, or `****` alone when the value is short (< 12 chars). */
export function maskValue(value: string): string {
  if (value === '') return '';
  return value.length >= 12 ? `****${value.slice(-4)}` : '****';
}

/** Kinds of personal data the filter knows (config `guard.piiKinds`). */
export const PII_KINDS = ['email', 'payment_card', 'us_ssn', 'iban', 'phone'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export type SecretsMode = 'redact' | 'block' | 'off';
export type PiiMode = 'redact' | 'off';

/** What the filter does for one tool. `piiKinds` absent: every kind. */
export interface GuardPolicy {
  readonly secrets: SecretsMode;
  readonly pii: PiiMode;
  readonly piiKinds?: readonly PiiKind[];
}

/** The config's `guard` section: defaults, then partial overrides by plugin name and by tool name. */
export interface GuardSettings extends GuardPolicy {
  readonly plugins?: Readonly<Record<string, Partial<GuardPolicy>>>;
  readonly tools?: Readonly<Record<string, Partial<GuardPolicy>>>;
}

/** The policy of one tool: its own overrides over its plugin's, over the defaults, field by field. */
export function policyFor(settings: GuardSettings, pluginName: string, toolName: string): GuardPolicy {
  // Own properties only: a tool named like an Object.prototype member must not pick up its value.
  const plugin = (settings.plugins && Object.hasOwn(settings.plugins, pluginName) ? settings.plugins[pluginName] : undefined) ?? {};
  const tool = (settings.tools && Object.hasOwn(settings.tools, toolName) ? settings.tools[toolName] : undefined) ?? {};
  const piiKinds = tool.piiKinds ?? plugin.piiKinds ?? settings.piiKinds;
  return {
    secrets: tool.secrets ?? plugin.secrets ?? settings.secrets,
    pii: tool.pii ?? plugin.pii ?? settings.pii,
    ...(piiKinds !== undefined ? { piiKinds } : {}),
  };
}

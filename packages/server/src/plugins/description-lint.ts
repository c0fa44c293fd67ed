import type { JsonSchema } from '../core/tool.js';
import { isRecord } from './json-value.js';
import { appendPointer } from './openapi/json-pointer.js';

/**
 * Severity policy: `block` findings are text that tries to steer the model beyond this tool (hidden text,
 * prompt tags, instruction overrides, other plugins' tools, sending data elsewhere); they hold the tool in
 * review until an admin approves it explicitly. `warn` findings are shown to the admin at review but do
 * not hold the tool: they are common in honest API docs too (a link with a query string, a sibling tool).
 */
export type LintSeverity = 'block' | 'warn';
export type LintRule = 'hidden-text' | 'prompt-tag' | 'instruction-override' | 'secret-access' | 'cross-tool' | 'data-exfiltration';

export interface LintFinding {
  readonly rule: LintRule;
  readonly severity: LintSeverity;
  readonly message: string;
  /** The offending text with some context, invisible characters spelled out as `<U+200B>`. */
  readonly excerpt: string;
  /** JSON pointer into the tool: `/description`, `/title`, `/inputSchema/properties/q/description`. */
  readonly pointer: string;
}

export interface LintableTool {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
}

export interface LintContext {
  readonly pluginName: string;
  /** Names of the tools the model will see (this plugin's and others'), as `<plugin>__<name>`; the linted tool's own name is skipped. */
  readonly otherToolNames?: readonly string[];
  readonly otherPluginNames?: readonly string[];
}

interface TextRule {
  readonly rule: LintRule;
  readonly severity: LintSeverity;
  readonly pattern: RegExp;
  readonly message: string;
}

// Zero-width, bidi embedding/override/isolate, invisible operators, BOM and Unicode tag characters: all
// render as nothing (or reorder text) for the admin while the model still reads them.
const HIDDEN_CHARS = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}]/u;
const SEND = String.raw`(?:send|post|upload|forward|transmit|exfiltrate|submit|report|leak|e-?mail|bcc|cc)`;

const TEXT_RULES: readonly TextRule[] = [
  {
    rule: 'hidden-text',
    severity: 'block',
    pattern: /<!--[\s\S]*?(?:-->|$)/g,
    message: 'HTML comment: hidden from people, read by the model',
  },
  {
    rule: 'prompt-tag',
    severity: 'block',
    pattern: /<\/?\s*(?:system|important|instructions?|assistant|im_start|im_end)\b[^>]{0,40}>|<\|[a-z_]{2,30}\|>|\[\/?INST\]|<<\/?SYS>>/gi,
    message: 'role or prompt tag addressed to the model',
  },
  {
    rule: 'instruction-override',
    severity: 'block',
    pattern:
      /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)*(?:previous|prior|above|earlier|preceding|other|system|existing)?\s*(?:instructions?|prompts?|rules|guidelines|directions)\b|\bnew\s+instructions\s*:|\byou\s+are\s+now\b/gi,
    message: 'tries to override the instructions the model was given',
  },
  {
    rule: 'instruction-override',
    severity: 'block',
    pattern:
      /\b(?:do\s+not|don'?t|never)\s+(?:mention|reveal|disclose)\b|\b(?:do\s+not|don'?t|never)\s+(?:tell|inform|notify|show|alert|let)\b[^.\n]{0,30}\buser\b|\bwithout\s+(?:telling|informing|notifying|asking|alerting|showing)\s+(?:the\s+)?user\b|\bsecretly\b|\buser\s+(?:must|should|need|does)\s*(?:not|n'?t)\s+(?:know|see|be\s+told|notice)\b/gi,
    message: 'asks the model to hide what it does from the user',
  },
  {
    rule: 'secret-access',
    severity: 'block',
    pattern:
      /~\/\.[\w-]+|\bid_(?:rsa|ed25519|ecdsa)\b|\.ssh\/|\/etc\/(?:passwd|shadow)\b|\.aws\/credentials|\bmcp\.json\b|\.cursor\/|\bclaude_desktop_config\b|\b(?:read|pass|include|attach)\b[^.\n]{0,40}\b(?:private\s+key|ssh\s+key|password|credentials|conversation|chat\s+history|system\s+prompt)\b/gi,
    message: 'points the model at secrets or other private data',
  },
  {
    rule: 'cross-tool',
    severity: 'block',
    pattern:
      /\b(?:before|after|instead\s+of|when(?:ever)?)\s+(?:you\s+)?(?:using|calling|invoking|use|call|invoke)?\s*(?:any|every|all|the\s+other|other|another)\s+(?:other\s+)?(?:tools?|functions?|plugins?)\b|\binstead\s+of\s+(?:using\s+|calling\s+)?(?:the\s+)?[\w.-]+\s+(?:tool|function|plugin)\b/gi,
    message: 'tells the model how to use tools other than this one',
  },
  {
    rule: 'data-exfiltration',
    severity: 'block',
    pattern: new RegExp(
      String.raw`\b${SEND}\b[^.\n]{0,80}?\b(?:to|at|via)\s+(?:https?:\/\/|[\w.+-]+@[\w-]+\.[\w.]+)|!\[[^\]]*\]\(\s*https?:\/\/|https?:\/\/\S*[?&][\w-]+=\s*[{<$]`,
      'gi',
    ),
    message: 'invites sending data to an address or URL',
  },
  { rule: 'data-exfiltration', severity: 'warn', pattern: /https?:\/\/[^\s?#)>"']+\?[^\s)>"']+/gi, message: 'URL with a query string' },
  {
    rule: 'cross-tool',
    severity: 'warn',
    pattern: /\b(?:use|call|invoke|run)\s+(?:the\s+)?[\w.-]+\s+(?:tool|function)\b|\bcall\s+(?:a\s+|the\s+)?tool\b/gi,
    message: 'refers to another tool',
  },
];

function visible(text: string): string {
  return text.replace(
    new RegExp(HIDDEN_CHARS.source, 'gu'),
    (c) => `<U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}>`,
  );
}

function excerptOf(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 30);
  const end = Math.min(text.length, index + length + 30);
  return `${start > 0 ? '…' : ''}${visible(text.slice(start, end)).replace(/\s+/g, ' ')}${end < text.length ? '…' : ''}`;
}

/** Lower-cased names to look tokens up in, built once per list of names (a plugin's import lints every tool against the same list). */
interface NameIndex {
  readonly tools: ReadonlyMap<string, string>;
  /** A tool's name without its plugin prefix, when it has several words: full names by bare name. */
  readonly bare: ReadonlyMap<string, readonly string[]>;
  readonly plugins: ReadonlyMap<string, string>;
}
const EMPTY: readonly string[] = [];
const indexes = new WeakMap<readonly string[], Map<readonly string[], NameIndex>>();

function nameIndex(toolNames: readonly string[], pluginNames: readonly string[]): NameIndex {
  let byPlugins = indexes.get(toolNames);
  if (byPlugins === undefined) indexes.set(toolNames, (byPlugins = new Map<readonly string[], NameIndex>()));
  const known = byPlugins.get(pluginNames);
  if (known !== undefined) return known;
  const tools = new Map<string, string>();
  const bare = new Map<string, string[]>();
  for (const name of toolNames) {
    if (name === '') continue;
    tools.set(name.toLowerCase(), name);
    const rest = name.slice(name.indexOf('__') + 2);
    // A bare single word ("search") would match ordinary prose.
    if (name.includes('__') && rest.includes('_')) bare.set(rest.toLowerCase(), [...(bare.get(rest.toLowerCase()) ?? []), name]);
  }
  const plugins = new Map(pluginNames.filter((p) => p.length >= 3).map((p) => [p.toLowerCase(), p]));
  const index = { tools, bare, plugins };
  byPlugins.set(pluginNames, index);
  return index;
}

/** Tool names are `[a-z0-9_]`, so a mention bounded by non-name characters is exactly one of these tokens. */
const TOKEN = /[\w-]+/g;
// Ordering a sibling call ("Always call items__delete_all first") steers the model into another tool's effects.
const DIRECTIVES = [
  /\b(?:always|must|be\s+sure\s+to|make\s+sure\s+to)\s+(?:first\s+)?(?:call|use|invoke|run)\s+(?:the\s+)?([\w-]+)/gi,
  /\b(?:call|use|invoke|run)\s+(?:the\s+)?([\w-]+)\s+(?:tool\s+)?(?:first|before)\b/gi,
];

/**
 * Other tools and plugins named in the text; this plugin's own tools are normal documentation (a warning),
 * unless the text orders the model to call one (block). One pass over the text's words with Map lookups, so
 * linting every tool of a large plugin against all its names stays linear in the text, not in the names.
 */
function nameFindings(tool: LintableTool, context: LintContext, text: string, pointer: string, add: (finding: LintFinding) => void): void {
  const index = nameIndex(context.otherToolNames ?? EMPTY, context.otherPluginNames ?? EMPTY);
  if (index.tools.size === 0 && index.plugins.size === 0) return;
  const own = `${context.pluginName}__`;
  const found = (severity: LintSeverity, message: string, at: number, length: number) =>
    add({ rule: 'cross-tool', severity, message, excerpt: excerptOf(text, at, length), pointer });
  for (const match of text.matchAll(TOKEN)) {
    const word = match[0].toLowerCase();
    const name = index.tools.get(word);
    if (name !== undefined && name !== tool.name) {
      found(name.startsWith(own) ? 'warn' : 'block', `mentions the tool ${name}`, match.index, match[0].length);
    }
    for (const full of index.bare.get(word) ?? EMPTY) {
      if (full !== tool.name && !full.startsWith(own)) found('warn', `may mention the tool ${full}`, match.index, match[0].length);
    }
    const plugin = index.plugins.get(word);
    if (plugin !== undefined && plugin !== context.pluginName) found('warn', `mentions the plugin ${plugin}`, match.index, match[0].length);
  }
  for (const source of DIRECTIVES) {
    const directive = new RegExp(source.source, source.flags);
    for (let match = directive.exec(text); match !== null; match = directive.exec(text)) {
      const name = index.tools.get((match[1] ?? '').toLowerCase());
      if (name !== undefined && name !== tool.name && name.startsWith(own)) {
        found('block', `tells the model to call ${name} first`, match.index, match[0].length);
      } else {
        // Not a sibling: look again from the next word, so "must use always call x__y" still finds "always call x__y".
        directive.lastIndex = match.index + 1;
      }
    }
  }
}

/** Every model-visible text of the tool to scan in full, with its pointer; hidden characters are looked for in every string. */
function textsOf(tool: LintableTool): { texts: [string, string][]; strings: [string, string][] } {
  const texts: [string, string][] = [['/description', tool.description]];
  if (tool.title !== undefined) texts.push(['/title', tool.title]);
  const strings: [string, string][] = [...texts];
  const walk = (node: unknown, pointer: string): void => {
    if (typeof node === 'string') strings.push([pointer, node]);
    else if (Array.isArray(node)) node.forEach((item: unknown, i) => walk(item, appendPointer(pointer, i)));
    else if (isRecord(node)) {
      for (const [key, value] of Object.entries(node)) {
        const at = appendPointer(pointer, key);
        strings.push([at, key]);
        if ((key === 'description' || key === 'title') && typeof value === 'string') texts.push([at, value]);
        walk(value, at);
      }
    }
  };
  walk(tool.inputSchema, '/inputSchema');
  return { texts, strings };
}

/**
 * Looks for tool poisoning in a tool's model-visible text: its description and title, and every
 * `description` and `title` in its input schema ($defs included). Catches instructions that reach
 * beyond the tool; it cannot prove a description honest, which is what the admin review is for.
 */
export function lintToolDescription(tool: LintableTool, context: LintContext): LintFinding[] {
  const findings = new Map<string, LintFinding>();
  const add = (finding: LintFinding) => findings.set(`${finding.rule}|${finding.pointer}|${finding.severity}|${finding.excerpt}`, finding);
  const { texts, strings } = textsOf(tool);
  for (const [pointer, text] of strings) {
    const match = new RegExp(HIDDEN_CHARS.source, 'u').exec(text);
    if (match !== null) {
      add({
        rule: 'hidden-text',
        severity: 'block',
        message: 'invisible or direction-changing Unicode characters',
        excerpt: excerptOf(text, match.index, 1),
        pointer,
      });
    }
  }
  for (const [pointer, raw] of texts) {
    // Matched without the invisible characters, so they cannot be used to split a phrase apart.
    const text = raw.replace(new RegExp(HIDDEN_CHARS.source, 'gu'), '');
    for (const { rule, severity, pattern, message } of TEXT_RULES) {
      for (const match of text.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))) {
        add({ rule, severity, message, excerpt: excerptOf(text, match.index, match[0].length), pointer });
      }
    }
    nameFindings(tool, context, text, pointer, add);
  }
  // One finding per place and rule at the highest severity is enough for a reviewer.
  const all = [...findings.values()];
  return all.filter(
    (f) => f.severity === 'block' || !all.some((g) => g.severity === 'block' && g.rule === f.rule && g.pointer === f.pointer),
  );
}

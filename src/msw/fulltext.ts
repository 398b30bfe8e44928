/**
 * PostgreSQL's full-text search with the `english` configuration, as far as the mock needs it
 * (the server's knowledge-base search, global search and the article list's `q`):
 *
 * - `toTsVector`: words as PostgreSQL's default parser splits them (letters, numbers, hyphenated
 *   words with their parts, hosts, emails, XML entities and tags), English stop words dropped
 *   but counted in positions, words stemmed with Snowball English (stemmer.ts), weights A–D;
 * - `websearchToTsQuery`: `websearch_to_tsquery` — words are ANDed, `"quoted phrases"` must be
 *   adjacent, `or` between words, `-word` excludes;
 * - `matches` (`@@`), `tsRank` (`ts_rank` with the default weights: PostgreSQL's own formula),
 *   and `tsHeadline` (`ts_headline`: the same choice of excerpt and marks).
 *
 * Checked against PostgreSQL on thousands of generated texts and queries. Where it does less:
 * file paths (`/usr/local/bin`) and scientific numbers (`3e10`) are split into plain words and
 * numbers instead of PostgreSQL's special tokens.
 */
import { stem } from './stemmer.js';

const STOP_WORDS = new Set(
  ('i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself they ' +
    'them their theirs themselves what which who whom this that these those am is are was were be been being have has had having do ' +
    'does did doing a an the and but if or because as until while of at by for with about against between into through during before ' +
    'after above below to from up down in out on off over under again further then once here there when where why how all any both ' +
    'each few more most other some such no nor not only own same so than too very s t can will just don should now').split(' '),
);

/** The weight classes of a tsvector, and `ts_rank`'s default weight of each. */
export type Weight = 'A' | 'B' | 'C' | 'D';
const WEIGHTS: Record<Weight, number> = { D: 0.1, C: 0.2, B: 0.4, A: 1.0 };

/**
 * One token of a text. `word` tokens count as words in an excerpt; `index` says how the token is
 * indexed: stemmed (`stem`), as it is lower-cased (`simple`) or not at all (`none`).
 */
interface Token {
  text: string;
  /** PostgreSQL's headline classes: a word, a blank, a tag (shown as a space), a compound (its parts are shown instead). */
  kind: 'word' | 'blank' | 'tag' | 'compound';
  index: 'stem' | 'simple' | 'none';
  /** Not a good place for an excerpt to end (numbers, entities). */
  noEnd: boolean;
}

const LETTER = /\p{L}/u;
const HOST = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+`;

/** The parser's token kinds the mock tells apart, tried in this order at each position. */
const PATTERNS: readonly { pattern: RegExp; make: (text: string) => Token[]; needsLetter?: true }[] = [
  { pattern: /^<\/?[a-z][^<>]*>/i, make: (text) => [{ text, kind: 'tag', index: 'none', noEnd: true }] },
  { pattern: /^&(?:[a-z][a-z0-9]*|#\d+|#x[0-9a-f]+);/i, make: (text) => [{ text, kind: 'word', index: 'none', noEnd: true }] },
  { pattern: /^[a-z][a-z0-9+.-]*:\/\//i, make: (text) => [{ text, kind: 'word', index: 'none', noEnd: true }] },
  { pattern: /^[\p{L}\p{N}_.+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/u, make: (text) => [{ text, kind: 'word', index: 'simple', noEnd: false }] },
  { pattern: /^\d+(?:\.\d+)+/, make: (text) => [{ text, kind: 'word', index: 'simple', noEnd: true }] },
  { pattern: new RegExp(String.raw`^${HOST}\/[^\s"'<>]*`, 'u'), make: url, needsLetter: true },
  { pattern: new RegExp(`^${HOST}`, 'u'), make: (text) => [{ text, kind: 'word', index: 'simple', noEnd: false }], needsLetter: true },
  { pattern: /^\p{L}[\p{L}\p{N}]*(?:-\p{L}[\p{L}\p{N}]*)+/u, make: compound },
  { pattern: /^[+-]\d+/, make: (text) => [{ text, kind: 'word', index: 'simple', noEnd: true }] },
  { pattern: /^[\p{L}\p{N}]+/u, make: (text) => [plainWord(text)] },
];

/** A run of letters or digits: letters only are stemmed; digits only are numbers (poor excerpt ends). */
function plainWord(text: string): Token {
  const digitsOnly = /^\p{N}+$/u.test(text);
  const lettersOnly = /^\p{L}+$/u.test(text);
  return { text, kind: 'word', index: lettersOnly ? 'stem' : 'simple', noEnd: digitsOnly };
}

/** `example.com/a/b`: the URL (indexed, never shown in an excerpt), then its host and its path. */
function url(text: string): Token[] {
  const slash = text.indexOf('/');
  return [
    { text, kind: 'compound', index: 'simple', noEnd: true },
    { text: text.slice(0, slash), kind: 'word', index: 'simple', noEnd: false },
    { text: text.slice(slash), kind: 'word', index: 'simple', noEnd: false },
  ];
}

/** `state-of-the-art`: the whole (indexed, never shown in an excerpt) and then its parts with the hyphens. */
function compound(text: string): Token[] {
  const parts = text.split('-');
  const tokens: Token[] = [{ text, kind: 'compound', index: parts.every((part) => /^\p{L}+$/u.test(part)) ? 'stem' : 'simple', noEnd: true }];
  parts.forEach((part, i) => {
    if (i > 0) tokens.push({ text: '-', kind: 'blank', index: 'none', noEnd: true });
    tokens.push(plainWord(part));
  });
  return tokens;
}

/** The text as PostgreSQL's default parser splits it, blanks included (an excerpt is cut from them). */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let blank = '';
  let rest = text;
  const flushBlank = () => {
    if (blank !== '') tokens.push({ text: blank, kind: 'blank', index: 'none', noEnd: true });
    blank = '';
  };
  while (rest.length > 0) {
    let matched = false;
    for (const { pattern, make, needsLetter } of PATTERNS) {
      const found = pattern.exec(rest)?.[0];
      if (found === undefined) continue;
      // A dotted run without a letter is a number (handled above).
      if (needsLetter && !LETTER.test(found.split('/')[0]!)) continue;
      flushBlank();
      tokens.push(...make(found));
      rest = rest.slice(found.length);
      matched = true;
      break;
    }
    if (!matched) {
      const char = String.fromCodePoint(rest.codePointAt(0)!);
      blank += char;
      rest = rest.slice(char.length);
    }
  }
  flushBlank();
  return tokens;
}

/** The lexeme of an indexed token; `null` for a stop word (which still takes a position); undefined when not indexed. */
function lexemeOf(token: Token): string | null | undefined {
  if (token.index === 'none' || token.kind === 'blank' || token.kind === 'tag') return undefined;
  const lower = token.text.toLowerCase();
  if (token.index === 'simple') return lower;
  return STOP_WORDS.has(lower) ? null : stem(lower);
}

/** A tsvector: each lexeme's positions (1-based, ascending) with their weights. */
export type TsVector = Map<string, { pos: number; weight: Weight }[]>;

/** `setweight(to_tsvector('english', s1), w1) || setweight(to_tsvector('english', s2), w2) || …`. */
export function toTsVector(sections: readonly { text: string | null; weight: Weight }[]): TsVector {
  const vector: TsVector = new Map();
  let offset = 0;
  for (const { text, weight } of sections) {
    let pos = 0;
    let maxPos = 0;
    for (const token of tokenize(text ?? '')) {
      const lexeme = lexemeOf(token);
      if (lexeme === undefined) continue;
      pos += 1;
      if (lexeme === null) continue;
      const at = Math.min(offset + pos, 16383);
      const positions = vector.get(lexeme) ?? [];
      if (!positions.some((entry) => entry.pos === at) && positions.length < 256) positions.push({ pos: at, weight });
      vector.set(lexeme, positions);
      maxPos = Math.max(maxPos, pos);
    }
    // `||` moves the right side's positions past the left side's last one.
    offset += maxPos;
  }
  for (const positions of vector.values()) positions.sort((a, b) => a.pos - b.pos);
  return vector;
}

/** A parsed query: operands (a lexeme, or a phrase of lexemes at offsets), NOT, AND, OR. */
export type TsQuery =
  | { op: 'phrase'; items: { lexeme: string; offset: number }[] }
  | { op: 'not'; arg: TsQuery }
  | { op: 'and' | 'or'; args: TsQuery[] };

/** The lexemes of a chunk of query text, at their offsets (stop words leave gaps); null when there are none. */
function phraseOf(text: string): TsQuery | null {
  const items: { lexeme: string; offset: number }[] = [];
  let pos = -1;
  let first: number | undefined;
  for (const token of tokenize(text)) {
    const lexeme = lexemeOf(token);
    if (lexeme === undefined) continue;
    pos += 1;
    if (lexeme === null) continue;
    first ??= pos;
    items.push({ lexeme, offset: pos - first });
  }
  return items.length === 0 ? null : { op: 'phrase', items };
}

/** Characters websearch_to_tsquery skips as operators of the plain tsquery syntax. */
const QUERY_OPERATORS = new Set(['!', '&', '|', '(', ')', '<']);
const isSpace = (char: string) => /\s/u.test(char);

/** `or` as an operator (parse_or_operator): not part of a word, and something follows. */
function orAt(q: string, at: number): boolean {
  if (q.slice(at, at + 2).toLowerCase() !== 'or') return false;
  const next = q[at + 2];
  if (next === undefined || next === '-' || next === '_' || /[\p{L}\p{N}]/u.test(next)) return false;
  return [...q.slice(at + 3)].some((char) => !isSpace(char));
}

/**
 * `websearch_to_tsquery('english', q)`, read as PostgreSQL's parser reads it: words (ending at a
 * space, a quote or one of `!&|()<`) and `"quoted phrases"`, each made into lexemes joined as a
 * phrase; `-` before a term negates it; `or` between terms; terms are otherwise ANDed; stop words
 * drop out. Null when no lexeme is left, which matches nothing.
 */
export function websearchToTsQuery(q: string): TsQuery | null {
  const groups: TsQuery[][] = [[]];
  let expectOperand = true;
  let negations = 0;
  let orPending = false;
  const operand = (chunk: string) => {
    let term = phraseOf(chunk);
    for (; negations > 0; negations -= 1) if (term) term = { op: 'not', arg: term };
    negations = 0;
    expectOperand = false;
    if (!term) return;
    if (orPending) groups.push([]);
    orPending = false;
    groups.at(-1)!.push(term);
  };
  let at = 0;
  while (at < q.length) {
    const char = q[at]!;
    if (expectOperand) {
      if (char === '-') {
        negations += 1;
        at += 1;
      } else if (char === '"') {
        const end = q.indexOf('"', at + 1);
        operand(q.slice(at + 1, end === -1 ? q.length : end));
        at = end === -1 ? q.length : end + 1;
      } else if (QUERY_OPERATORS.has(char) || isSpace(char)) {
        at += 1;
      } else {
        const chunk = /^[^\s"!&|()<]+/u.exec(q.slice(at))![0];
        operand(chunk);
        at += chunk.length;
      }
    } else if (char === '"') {
      expectOperand = true;
    } else if (orAt(q, at)) {
      orPending = groups.at(-1)!.length > 0 || orPending;
      expectOperand = true;
      at += 2;
    } else if (QUERY_OPERATORS.has(char) || isSpace(char)) {
      at += 1;
    } else {
      expectOperand = true;
    }
  }
  const ands = groups.filter((group) => group.length > 0).map((group): TsQuery => (group.length === 1 ? group[0]! : { op: 'and', args: group }));
  if (ands.length === 0) return null;
  return ands.length === 1 ? ands[0]! : { op: 'or', args: ands };
}

/** `vector @@ query`. */
export function matches(vector: TsVector, query: TsQuery | null): boolean {
  if (!query) return false;
  switch (query.op) {
    case 'phrase': {
      const [head, ...tail] = query.items;
      return (vector.get(head!.lexeme) ?? []).some(({ pos }) =>
        tail.every(({ lexeme, offset }) => (vector.get(lexeme) ?? []).some((entry) => entry.pos === pos + offset)),
      );
    }
    case 'not':
      return !matches(vector, query.arg);
    case 'and':
      return query.args.every((arg) => matches(vector, arg));
    case 'or':
      return query.args.some((arg) => matches(vector, arg));
  }
}

/** The distinct lexemes of a query's operands, in the order they appear (SortAndUniqItems). */
function operands(query: TsQuery): string[] {
  switch (query.op) {
    case 'phrase':
      return query.items.map((item) => item.lexeme);
    case 'not':
      return operands(query.arg);
    default:
      return query.args.flatMap(operands);
  }
}

const f32 = Math.fround;

/** calc_rank_or (tsrank.c), in single precision as there. */
function rankOr(vector: TsVector, items: readonly string[]): number {
  let res = 0;
  for (const lexeme of items) {
    const positions = vector.get(lexeme);
    if (!positions) continue;
    let resj = 0;
    let wjm = -1;
    let jm = 0;
    positions.forEach(({ weight }, j) => {
      const w = WEIGHTS[weight];
      resj = f32(resj + f32(f32(w) / ((j + 1) * (j + 1))));
      if (f32(w) > wjm) {
        wjm = f32(w);
        jm = j;
      }
    });
    res = f32(res + f32(f32(wjm + resj) - f32(wjm / ((jm + 1) * (jm + 1)))) / 1.64493406685);
  }
  return items.length > 0 ? f32(res / items.length) : res;
}

const wordDistance = (distance: number) => (distance > 100 ? 1e-30 : f32(1 / (1.005 + 0.05 * Math.exp(f32(distance) / 1.5 - 2))));

/** calc_rank_and: pairs of query words close to each other count most. */
function rankAnd(vector: TsVector, items: readonly string[]): number {
  if (items.length < 2) return rankOr(vector, items);
  let res = -1;
  const seen: { pos: number; weight: Weight }[][] = [];
  for (const lexeme of items) {
    const positions = vector.get(lexeme);
    if (!positions) continue;
    for (const earlier of seen) {
      for (const a of positions) {
        for (const b of earlier) {
          const distance = Math.abs(a.pos - b.pos);
          if (distance === 0) continue;
          // Float products, as C multiplies floats; the square root in double.
          const curw = f32(Math.sqrt(f32(f32(f32(WEIGHTS[a.weight]) * f32(WEIGHTS[b.weight])) * wordDistance(distance))));
          res = res < 0 ? curw : f32(1 - (1 - res) * (1 - curw));
        }
      }
    }
    seen.push(positions);
  }
  return res;
}

const utf8 = new TextEncoder();

/** tsCompareString: lexemes by their UTF-8 bytes, a prefix first. */
function byBytes(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** `ts_rank(vector, query)` with the default weights {0.1, 0.2, 0.4, 1.0} and no normalization, as a float4. */
export function tsRank(vector: TsVector, query: TsQuery | null): number {
  if (!query || vector.size === 0) return 0;
  // SortAndUniqItems: the order of the sums decides the last bit of a float.
  const items = [...new Set(operands(query))].sort(byBytes);
  const res = query.op === 'and' || query.op === 'phrase' ? rankAnd(vector, items) : rankOr(vector, items);
  return res < 0 ? f32(1e-20) : res;
}

/** The shortest decimal text that reads back as the same float4, as PostgreSQL prints a `real`. */
export function float4Text(value: number): string {
  for (let digits = 1; digits <= 9; digits += 1) {
    const text = Number(value.toPrecision(digits));
    if (f32(text) === f32(value)) return String(text);
  }
  return String(value);
}

/** Options of `tsHeadline`, as `ts_headline` takes them. */
export interface HeadlineOptions {
  startSel: string;
  stopSel: string;
  maxWords: number;
  minWords: number;
  shortWord: number;
  /** 0: one excerpt around the best match; more: up to that many fragments joined by `fragmentDelimiter`. */
  maxFragments: number;
  fragmentDelimiter: string;
}

interface HeadlineWord extends Token {
  /** Whether its lexeme is one the query looks for. */
  item: boolean;
  /** Its lexeme, when it has one. */
  lexeme: string | undefined;
  /** Its position, counted as to_tsvector counts them (phrases need them). */
  pos: number;
  in: boolean;
}

/**
 * `ts_headline('english', text, query, options)`: the excerpt PostgreSQL 18 would choose (the
 * earliest shortest cover of the query, widened to `minWords`–`maxWords` words ending on a
 * proper word), with every word of the query wrapped in `startSel`/`stopSel`.
 */
export function tsHeadline(text: string, query: TsQuery | null, options: HeadlineOptions): string {
  // Every operand's words are marked, excluded ones too, as PostgreSQL does.
  const wanted = new Set(query ? operands(query) : []);
  let pos = 0;
  const words: HeadlineWord[] = tokenize(text).map((token) => {
    const lexeme = lexemeOf(token);
    if (lexeme !== undefined) pos += 1;
    return { ...token, item: typeof lexeme === 'string' && wanted.has(lexeme), lexeme: lexeme ?? undefined, pos, in: false };
  });
  const nonWord = (i: number) => words[i]!.kind !== 'word';
  const badEnd = (i: number) => (words[i]!.noEnd || nonWord(i) || new TextEncoder().encode(words[i]!.text).length <= options.shortWord) && !words[i]!.item;
  const covers = query ? coversOf(words, query) : [];
  if (options.maxFragments > 0) markFragments(words, covers, options, nonWord, badEnd);
  else markWords(words, covers, options, nonWord, badEnd);

  let out = '';
  let inFragment = false;
  let fragments = 0;
  for (const word of words) {
    if (!word.in) {
      inFragment = false;
      continue;
    }
    if (!inFragment) {
      inFragment = true;
      fragments += 1;
      if (fragments > 1) out += options.fragmentDelimiter;
    }
    if (word.kind === 'tag') out += ' ';
    else if (word.kind !== 'compound') out += word.item ? `${options.startSel}${word.text}${options.stopSel}` : word.text;
  }
  return out;
}

/** Whether the words `from`–`to` satisfy the query (phrases as their words, in any order). */
function satisfies(words: readonly HeadlineWord[], from: number, to: number, query: TsQuery): boolean {
  const present = new Map<string, number[]>();
  for (let i = from; i <= to; i += 1) {
    const { item, lexeme, pos } = words[i]!;
    if (item && lexeme !== undefined) present.set(lexeme, [...(present.get(lexeme) ?? []), pos]);
  }
  const check = (node: TsQuery): boolean => {
    switch (node.op) {
      case 'phrase': {
        const [head, ...tail] = node.items;
        return (present.get(head!.lexeme) ?? []).some((start) => tail.every(({ lexeme, offset }) => (present.get(lexeme) ?? []).includes(start + offset)));
      }
      case 'not':
        return !check(node.arg);
      case 'and':
        return node.args.every(check);
      case 'or':
        return node.args.some(check);
    }
  };
  return check(query);
}

/** Where a term or phrase matches: its (end) positions, and how many positions a match spans beyond one. */
interface Location {
  positions: number[];
  width: number;
}

/**
 * TS_execute_locations (tsvector_op.c): the locations of each AND'ed term or phrase of the query in
 * the text, OR'ed terms merged, NOT'ed ones left out; false when the query does not match.
 */
function locationsOf(words: readonly HeadlineWord[], query: TsQuery): Location[] | false {
  switch (query.op) {
    case 'phrase': {
      const at = (lexeme: string) => words.filter((word) => word.item && word.lexeme === lexeme).map((word) => word.pos);
      const [head, ...tail] = query.items;
      const width = Math.max(0, ...query.items.map((item) => item.offset));
      const starts = at(head!.lexeme).filter((start) => tail.every(({ lexeme, offset }) => at(lexeme).includes(start + offset)));
      return starts.length === 0 ? false : [{ positions: [...new Set(starts.map((start) => start + width))], width }];
    }
    case 'not':
      return locationsOf(words, query.arg) === false ? [] : false;
    case 'and': {
      const all: Location[] = [];
      for (const arg of query.args) {
        const found = locationsOf(words, arg);
        if (found === false) return false;
        all.push(...found);
      }
      return all;
    }
    case 'or': {
      let result: Location[] | false = false;
      for (const arg of query.args) {
        const found = locationsOf(words, arg);
        if (found === false) continue;
        if (result === false || result.length === 0) result = found;
        else if (found.length > 0) {
          const left: Location[] = result;
          result = left.flatMap((l) => found.map((r) => ({ positions: [...new Set([...l.positions, ...r.positions])].sort((a, b) => a - b), width: Math.max(l.width, r.width) })));
        }
      }
      return result;
    }
  }
}

/**
 * hlCover (PostgreSQL 18), repeatedly: each shortest, earliest range of words holding every
 * AND'ed term of the query (from the query's locations), that the query accepts.
 */
function coversOf(words: readonly HeadlineWord[], query: TsQuery): [number, number][] {
  const locations = locationsOf(words, query) || [];
  const covers: [number, number][] = [];
  let nextPos = 0;
  for (;;) {
    const cover = coverFrom(words, query, locations, nextPos);
    if (!cover) return covers;
    covers.push([cover.p, cover.q]);
    nextPos = cover.nextPos;
  }
}

function coverFrom(words: readonly HeadlineWord[], query: TsQuery, locations: readonly Location[], from: number): { p: number; q: number; nextPos: number } | undefined {
  let pos = from;
  for (;;) {
    let pose = -1;
    for (const { positions } of locations) {
      const first = positions.find((end) => end >= pos);
      if (first === undefined) return undefined;
      pose = Math.max(pose, first);
    }
    if (pose < 0) return undefined;
    let posb = Number.MAX_SAFE_INTEGER;
    for (const { positions, width } of locations) {
      const last = [...positions].reverse().find((end) => end - width <= pose);
      posb = Math.min(posb, last === undefined ? -1 : last - width);
    }
    posb = Math.max(posb, pos);
    if (posb <= pose) {
      let idxb = -1;
      let idxe = -1;
      for (let i = 0; i < words.length; i += 1) {
        if (!words[i]!.item) continue;
        if (idxb < 0 && words[i]!.pos >= posb) idxb = i;
        if (words[i]!.pos <= pose) idxe = i;
        else break;
      }
      if (idxb >= 0 && idxe >= idxb && satisfies(words, idxb, idxe, query)) return { p: idxb, q: idxe, nextPos: posb + 1 };
    }
    pos = posb + 1;
  }
}

type Classify = (i: number) => boolean;

function mark(words: HeadlineWord[], from: number, to: number): void {
  for (let i = from; i <= to; i += 1) words[i]!.in = true;
}

/** mark_hl_words (wparser_def.c): one excerpt around the best cover. */
function markWords(words: HeadlineWord[], covers: readonly [number, number][], options: HeadlineOptions, nonWord: Classify, badEnd: Classify): void {
  const { minWords, maxWords } = options;
  let bestB = -1;
  let bestE = -1;
  let bestLen = -1;
  let bestCover = false;
  for (const [p, q] of covers) {
    let curLen = 0;
    let posLen = 0;
    let posB = p;
    let posE = p;
    let i = p;
    for (; i <= q && curLen < maxWords; i += 1) {
      if (!nonWord(i)) curLen += 1;
      if (words[i]!.item) posLen += 1;
      posE = i;
    }
    if (curLen < maxWords) {
      for (i -= 1; i < words.length && curLen < maxWords; i += 1) {
        if (i > q) {
          if (!nonWord(i)) curLen += 1;
          if (words[i]!.item) posLen += 1;
        }
        posE = i;
        if (badEnd(i)) continue;
        if (curLen >= minWords) break;
      }
      if (curLen < minWords) {
        for (i = p - 1; i >= 0; i -= 1) {
          if (!nonWord(i)) curLen += 1;
          if (words[i]!.item) posLen += 1;
          if (curLen >= maxWords) break;
          if (badEnd(i)) continue;
          if (curLen >= minWords) break;
        }
        posB = i >= 0 ? i : 0;
      }
    } else {
      if (i > q) i = q;
      for (; curLen > minWords; i -= 1) {
        if (!badEnd(i)) break;
        if (!nonWord(i)) curLen -= 1;
        if (words[i]!.item) posLen -= 1;
        posE = i - 1;
      }
    }
    const posCover = posB <= p && posE >= q;
    if (
      (posCover && !bestCover) ||
      (posCover === bestCover && posLen > bestLen) ||
      (posCover === bestCover && posLen === bestLen && !badEnd(posE) && bestE >= 0 && badEnd(bestE))
    ) {
      bestB = posB;
      bestE = posE;
      bestLen = posLen;
      bestCover = posCover;
    }
  }
  if (bestLen < 0) {
    let curLen = 0;
    let posE = 0;
    for (let i = 0; i < words.length && curLen < minWords; i += 1) {
      if (!nonWord(i)) curLen += 1;
      posE = i;
    }
    bestB = 0;
    bestE = posE;
  }
  if (words.length > 0) mark(words, bestB, bestE);
}

interface Fragment {
  start: number;
  end: number;
  curLen: number;
  posLen: number;
  chosen: boolean;
  excluded: boolean;
}

/** mark_hl_fragments: up to `maxFragments` excerpts, the covers with the most query words first. */
function markFragments(words: HeadlineWord[], covers: readonly [number, number][], options: HeadlineOptions, nonWord: Classify, badEnd: Classify): void {
  const { maxWords, minWords } = options;
  const fragments: Fragment[] = [];
  for (const [p, q] of covers) {
    let start = p;
    let end = q;
    while (start <= end) {
      // get_next_fragment: from a query word, at most maxWords words, ending on a query word.
      for (let i = start; i <= end; i += 1) {
        start = i;
        if (words[i]!.item) break;
      }
      let curLen = 0;
      let posLen = 0;
      let i = start;
      for (; i <= end && curLen < maxWords; i += 1) {
        if (!nonWord(i)) curLen += 1;
        if (words[i]!.item) posLen += 1;
      }
      if (end > i) {
        end = i;
        for (i = end; i >= start; i -= 1) {
          end = i;
          if (words[i]!.item) break;
          if (!nonWord(i)) curLen -= 1;
        }
      }
      fragments.push({ start, end, curLen, posLen, chosen: false, excluded: false });
      start = end + 1;
      end = q;
    }
  }
  let marked = 0;
  for (let f = 0; f < options.maxFragments; f += 1) {
    let best: Fragment | undefined;
    for (const fragment of fragments) {
      if (fragment.chosen || fragment.excluded) continue;
      if (!best || best.posLen < fragment.posLen || (best.posLen === fragment.posLen && best.curLen > fragment.curLen)) best = fragment;
    }
    if (!best) break;
    best.chosen = true;
    let { start, end, curLen } = best;
    if (curLen < maxWords) {
      const maxStretch = Math.floor((maxWords - curLen) / 2);
      let stretch = 0;
      let marker = start;
      for (let i = start - 1; i >= 0 && stretch < maxStretch && !words[i]!.in; i -= 1) {
        if (!nonWord(i)) {
          curLen += 1;
          stretch += 1;
        }
        marker = i;
      }
      let i = marker;
      for (; i < start && badEnd(i); i += 1) if (!nonWord(i)) curLen -= 1;
      start = i;
      marker = end;
      for (i = end + 1; i < words.length && curLen < maxWords && !words[i]!.in; i += 1) {
        if (!nonWord(i)) curLen += 1;
        marker = i;
      }
      for (i = marker; i > end && badEnd(i); i -= 1) if (!nonWord(i)) curLen -= 1;
      end = i;
    }
    Object.assign(best, { start, end, curLen });
    mark(words, start, end);
    marked += 1;
    for (const other of fragments) {
      if (other === best) continue;
      if ((other.start >= start && other.start <= end) || (other.end >= start && other.end <= end) || (other.start < start && other.end > end)) other.excluded = true;
    }
  }
  if (marked === 0) {
    let curLen = 0;
    let end = -1;
    for (let i = 0; i < words.length && curLen < minWords; i += 1) {
      if (!nonWord(i)) curLen += 1;
      end = i;
    }
    if (end >= 0) mark(words, 0, end);
  }
}

/**
 * The mock's PostgreSQL full-text search (src/msw/fulltext.ts, stemmer.ts) against outputs of
 * PostgreSQL 18 itself for the same inputs: `to_tsvector('english', …)`, `ts_lexize`,
 * `websearch_to_tsquery` matching, `ts_rank` and `ts_headline`.
 */
import { describe, expect, it } from 'vitest';
import { float4Text, matches, toTsVector, tsHeadline, tsRank, websearchToTsQuery, type TsVector } from '../../src/msw/fulltext.js';
import { stem } from '../../src/msw/stemmer.js';

/** A tsvector as PostgreSQL prints it. */
const print = (vector: TsVector) =>
  [...vector.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([lexeme, positions]) => `'${lexeme}':${positions.map((entry) => `${entry.pos}${entry.weight === 'D' ? '' : entry.weight}`).join(',')}`)
    .join(' ');

const GLOBAL = { startSel: '<', stopSel: '>', maxWords: 35, minWords: 15, shortWord: 2, maxFragments: 0, fragmentDelimiter: ' … ' };
const FRAGMENTS = { startSel: '<mark>', stopSel: '</mark>', maxWords: 35, minWords: 15, shortWord: 3, maxFragments: 2, fragmentDelimiter: ' … ' };

describe('full-text search as PostgreSQL’s english configuration', () => {
  it('stems as Snowball English does', () => {
    const pairs = { connecting: 'connect', connection: 'connect', generously: 'generous', organization: 'organ', skies: 'sky', added: 'add', hopping: 'hop', universal: 'univers', emergency: 'emerg', news: 'news', dying: 'die', printers: 'printer', happily: 'happili' };
    expect(Object.fromEntries(Object.keys(pairs).map((word) => [word, stem(word)]))).toEqual(pairs);
  });

  it('splits, drops stop words, counts positions and weighs as to_tsvector and setweight', () => {
    const text = "The foo-bar e-mail x_y don't example.com user@example.com 1.5 10.0.1 abc123 connecting connection's skies generously";
    expect(print(toTsVector([{ text, weight: 'D' }]))).toBe(
      "'1.5':14 '10.0.1':15 'abc123':16 'bar':4 'connect':17,18 'e':6 'e-mail':5 'example.com':12 'foo':3 'foo-bar':2 'generous':21 'mail':7 'sky':20 'user@example.com':13 'x':8 'y':9",
    );
    expect(print(toTsVector([{ text: 'About the term', weight: 'A' }, { text: null, weight: 'B' }, { text: 'Term of art', weight: 'C' }]))).toBe("'art':6C 'term':3A,4C");
  });

  it('matches websearch_to_tsquery: words, phrases, or, exclusions, only stop words', () => {
    const vector = toTsVector([{ text: 'The quick brown fox jumps over the lazy dogs', weight: 'A' }]);
    const hit = (q: string) => matches(vector, websearchToTsQuery(q));
    expect(['fox', 'foxes jumping', '"quick brown"', '"brown quick"', 'cat or dog', 'fox -cat', 'fox -dog', 'the of', '-cat'].map(hit)).toEqual([
      true, true, true, false, true, true, false, false, true,
    ]);
  });

  it('ranks as ts_rank, in single precision', () => {
    const doc = toTsVector([{ text: 'About term', weight: 'A' }, { text: 'Details.', weight: 'C' }]);
    expect(tsRank(doc, websearchToTsQuery('term'))).toBe(0.6079270839691162);
    const two = toTsVector([{ text: 'Connecting printers', weight: 'A' }, { text: '', weight: 'B' }, { text: 'Details here.', weight: 'C' }]);
    expect(tsRank(two, websearchToTsQuery('connected printer'))).toBe(0.9910321831703186);
    expect(float4Text(tsRank(toTsVector([{ text: 'We will update the zebra firmware', weight: 'D' }]), websearchToTsQuery('zebra')))).toBe('0.06079271');
  });

  it('excerpts as ts_headline, one fragment or several', () => {
    const q = websearchToTsQuery('term');
    expect(tsHeadline('Somewhere here we mention term once.', q, GLOBAL)).toBe('Somewhere here we mention <term> once.');
    expect(tsHeadline('Somewhere here we mention term once.', q, FRAGMENTS)).toBe('Somewhere here we mention <mark>term</mark> once');
    const long = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen term a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh ii jj';
    expect(tsHeadline(long, q, GLOBAL)).toBe('<term> a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh');
    expect(tsHeadline(`${long} kk`, websearchToTsQuery('zzz'), GLOBAL)).toBe('one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen');
    expect(tsHeadline('The foo-bar is ready', websearchToTsQuery('foo-bar'), GLOBAL)).toBe('The <foo>-<bar> is ready');
    expect(tsHeadline('cats and dogs and more cats', websearchToTsQuery('cat'), GLOBAL)).toBe('<cats> and dogs and more <cats>');
    expect(tsHeadline('Use "quotes" & <b>zebra</b> tags', websearchToTsQuery('zebra'), GLOBAL)).toBe('Use "quotes" &  <zebra>  tags');
  });

  it('chooses the excerpt from the query’s locations, as PostgreSQL 18 does with phrases, ORs and NOTs', () => {
    const text = 'one two alpha errors beta gamma delta';
    const short = { ...GLOBAL, minWords: 3 };
    const cases: [string, string][] = [
      ['-printers or "errors zzz"', 'one two alpha'],
      ['-printers', 'one two alpha'],
      ['-printers errors', '<errors> beta gamma'],
      ['"errors zzz" or beta', '<beta> gamma delta'],
      ['zzz or "errors beta"', '<errors> <beta> gamma'],
      ['"beta errors"', 'one two alpha'],
    ];
    expect(cases.map(([q]) => tsHeadline(text, websearchToTsQuery(q), short))).toEqual(cases.map(([, expected]) => expected));
  });

  it('parses odd queries as websearch_to_tsquery does', () => {
    const vector = toTsVector([{ text: 'The quick brown fox jumps over the lazy dogs', weight: 'D' }]);
    const hit = (q: string) => matches(vector, websearchToTsQuery(q));
    expect(['fox - dog', '--fox', 'quick|lazy', 'cats&dogs', 'quick"brown', '"unclosed fox', '!!! & |', 'fox or', 'or fox'].map(hit)).toEqual([
      false, true, true, false, true, false, false, true, true,
    ]);
    // A text of stop words only has an empty vector, which ranks 0.
    expect(tsRank(toTsVector([{ text: 'or and not', weight: 'D' }]), websearchToTsQuery('fox'))).toBe(0);
  });
});

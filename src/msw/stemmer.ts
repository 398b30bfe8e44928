/**
 * The Snowball English stemmer (Porter2), which PostgreSQL's `english` text-search configuration
 * applies to words, so that the mock's full-text search finds what the server's finds: `connecting`
 * and `connection` both become `connect`. Written from the algorithm's description
 * (snowballstem.org/algorithms/english/stemmer.html) and checked against PostgreSQL's output.
 */

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
const isVowel = (char: string | undefined) => char !== undefined && VOWELS.has(char);
const DOUBLES = ['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt'];
const LI_ENDINGS = new Set(['c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't']);

const EXCEPTIONS = new Map<string, string>(Object.entries({
  skis: 'ski',
  skies: 'sky',
  dying: 'die',
  lying: 'lie',
  tying: 'tie',
  idly: 'idl',
  gently: 'gentl',
  ugly: 'ugli',
  early: 'earli',
  only: 'onli',
  singly: 'singl',
  sky: 'sky',
  news: 'news',
  howe: 'howe',
  atlas: 'atlas',
  cosmos: 'cosmos',
  bias: 'bias',
  andes: 'andes',
}));

const AFTER_STEP_1A = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed']);

/** Where R1 starts for words that begin with these. */
const R1_PREFIXES = ['gener', 'commun', 'arsen'];

/** The start of the region after the first non-vowel that follows a vowel, from `from`. */
function regionAfter(word: string, from: number): number {
  for (let i = from + 1; i < word.length; i += 1) if (!isVowel(word[i]) && isVowel(word[i - 1])) return i + 1;
  return word.length;
}

/** A short syllable ending at `end` (exclusive). */
function endsInShortSyllable(word: string, end = word.length): boolean {
  if (end === 2) return isVowel(word[0]) && !isVowel(word[1]);
  if (end < 3) return false;
  const [a, b, c] = [word[end - 3], word[end - 2], word[end - 1]];
  return !isVowel(a) && isVowel(b) && !isVowel(c) && c !== 'w' && c !== 'x' && c !== 'Y';
}

/** The longest of `suffixes` the word ends with. */
const longest = (word: string, suffixes: readonly string[]) => suffixes.filter((suffix) => word.endsWith(suffix)).sort((a, b) => b.length - a.length)[0];

const STEP_2: readonly [string, string][] = [
  ['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'], ['iveness', 'ive'],
  ['tional', 'tion'], ['biliti', 'ble'], ['lessli', 'less'], ['entli', 'ent'], ['ation', 'ate'],
  ['alism', 'al'], ['aliti', 'al'], ['ousli', 'ous'], ['iviti', 'ive'], ['fulli', 'ful'],
  ['enci', 'ence'], ['anci', 'ance'], ['abli', 'able'], ['izer', 'ize'], ['ator', 'ate'],
  ['alli', 'al'], ['bli', 'ble'], ['ogi', 'og'], ['li', ''],
];

const STEP_3: readonly [string, string][] = [
  ['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'],
  ['ative', ''], ['ical', 'ic'], ['ness', ''], ['ful', ''],
];

const STEP_4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'ion', 'al', 'er', 'ic'];

/** The stem of a lower-case word. */
export function stem(input: string): string {
  if (input.length <= 2) return input;
  const exception = EXCEPTIONS.get(input);
  if (exception !== undefined) return exception;
  let word = input.startsWith("'") ? input.slice(1) : input;
  // y at the start or after a vowel is a consonant.
  word = [...word].map((char, i, chars) => (char === 'y' && (i === 0 || isVowel(chars[i - 1])) ? 'Y' : char)).join('');

  const prefix = R1_PREFIXES.find((candidate) => word.startsWith(candidate));
  const r1 = prefix ? prefix.length : regionAfter(word, 0);
  const r2 = regionAfter(word, r1);
  const inR1 = (suffix: string) => word.length - suffix.length >= r1;
  const inR2 = (suffix: string) => word.length - suffix.length >= r2;
  const cut = (suffix: string, replacement = '') => {
    word = word.slice(0, word.length - suffix.length) + replacement;
  };

  // Step 0: possessives.
  const apostrophe = longest(word, ["'s'", "'s", "'"]);
  if (apostrophe) cut(apostrophe);

  // Step 1a.
  const s1a = longest(word, ['sses', 'ied', 'ies', 'us', 'ss', 's']);
  if (s1a === 'sses') cut(s1a, 'ss');
  else if (s1a === 'ied' || s1a === 'ies') cut(s1a, word.length > 4 ? 'i' : 'ie');
  else if (s1a === 's' && [...word.slice(0, -2)].some(isVowel)) cut(s1a);
  if (AFTER_STEP_1A.has(word)) return word;

  // Step 1b.
  const s1b = longest(word, ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed']);
  if (s1b === 'eed' || s1b === 'eedly') {
    if (inR1(s1b)) cut(s1b, 'ee');
  } else if (s1b && [...word.slice(0, -s1b.length)].some(isVowel)) {
    cut(s1b);
    if (word.endsWith('at') || word.endsWith('bl') || word.endsWith('iz')) word += 'e';
    // A double loses a letter (hopp → hop), except after exactly a, e or o (add, err, odd).
    else if (DOUBLES.some((double) => word.endsWith(double))) word = word.length === 3 && 'aeo'.includes(word[0]!) ? word : word.slice(0, -1);
    else if (r1 >= word.length && endsInShortSyllable(word)) word += 'e';
  }

  // Step 1c: y after a consonant that is not the first letter.
  if ((word.endsWith('y') || word.endsWith('Y')) && word.length > 2 && !isVowel(word[word.length - 2])) word = `${word.slice(0, -1)}i`;

  // Step 2.
  const s2 = STEP_2.find(([suffix]) => word.endsWith(suffix));
  if (s2 && inR1(s2[0])) {
    const [suffix, replacement] = s2;
    if (suffix === 'ogi') {
      if (word[word.length - 4] === 'l') cut(suffix, replacement);
    } else if (suffix === 'li') {
      if (LI_ENDINGS.has(word[word.length - 3] ?? '')) cut(suffix);
    } else {
      cut(suffix, replacement);
    }
  }

  // Step 3.
  const s3 = STEP_3.find(([suffix]) => word.endsWith(suffix));
  if (s3 && inR1(s3[0])) {
    const [suffix, replacement] = s3;
    if (suffix !== 'ative' || inR2(suffix)) cut(suffix, replacement);
  }

  // Step 4.
  const s4 = longest(word, STEP_4);
  if (s4 && inR2(s4)) {
    if (s4 !== 'ion' || word[word.length - 4] === 's' || word[word.length - 4] === 't') cut(s4);
  }

  // Step 5.
  if (word.endsWith('e')) {
    if (inR2('e') || (inR1('e') && !endsInShortSyllable(word, word.length - 1))) cut('e');
  } else if (word.endsWith('ll') && inR2('l')) {
    cut('l');
  }
  return word.replace(/Y/g, 'y');
}

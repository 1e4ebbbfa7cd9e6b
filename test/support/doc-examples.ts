/**
 * The runnable shell examples of a Markdown page: a ```sh block that calls curl, marked by
 * `<!-- curl-test: name -->` just above it and followed by a ```text block of what it prints.
 * In that text `…` stands for anything within a line, so ids and dates need not be spelled out.
 */
export interface DocExample {
  name: string;
  /** 1-based line of the ```sh fence, for messages. */
  line: number;
  script: string;
  expected: string[];
}

const MARKER = /^<!-- curl-test: ([\w.-]+) -->$/;

/** The page's examples, and what is wrong with its marking (an unmarked curl block is an error). */
export function docExamples(markdown: string): { examples: DocExample[]; problems: string[] } {
  const lines = markdown.split('\n');
  const examples: DocExample[] = [];
  const problems: string[] = [];
  const names = new Set<string>();
  const fenced = (start: number) => {
    const end = lines.indexOf('```', start + 1);
    return { body: lines.slice(start + 1, end === -1 ? lines.length : end), end };
  };
  for (let index = 0; index < lines.length; index++) {
    const marker = MARKER.exec(lines[index]!.trim());
    if (!lines[index]!.startsWith('```sh') && !marker) continue;
    if (marker) {
      const sh = nextNonBlank(lines, index + 1);
      if (lines[sh] !== '```sh')
        problems.push(`line ${index + 1}: marker ${marker[1]} is not above a sh block`);
      continue;
    }
    const { body, end } = fenced(index);
    if (!body.some((line) => /\bcurl\b/.test(line))) continue;
    const name = MARKER.exec(lines[previousNonBlank(lines, index - 1)]?.trim() ?? '')?.[1];
    const after = nextNonBlank(lines, end + 1);
    const text = lines[after] === '```text' ? after : -1;
    if (!name) problems.push(`line ${index + 1}: a curl block without <!-- curl-test: name --> above it`);
    else if (names.has(name)) problems.push(`line ${index + 1}: curl-test ${name} is used twice`);
    else if (text === -1) problems.push(`line ${index + 1}: curl-test ${name} has no text block under it`);
    else {
      names.add(name);
      const expected = fenced(text).body.filter((line) => line.trim() !== '');
      examples.push({ name, line: index + 1, script: body.join('\n'), expected });
    }
    index = end === -1 ? lines.length : end;
  }
  return { examples, problems };
}

function nextNonBlank(lines: string[], index: number): number {
  while (lines[index]?.trim() === '') index++;
  return index;
}

function previousNonBlank(lines: string[], index: number): number {
  while (index >= 0 && lines[index]?.trim() === '') index--;
  return index;
}

/**
 * The first expected line that the output does not show, in order (each expected line matches one
 * output line as a whole, after the one the previous matched; other output lines may come between).
 */
export function firstUnmatched(expected: string[], output: string): string | undefined {
  const printed = output.split('\n').map((line) => line.replace(/\s+$/, ''));
  let at = 0;
  for (const line of expected) {
    const pattern = new RegExp(
      `^${line
        .trimEnd()
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    while (at < printed.length && !pattern.test(printed[at]!)) at++;
    if (at === printed.length) return line;
    at++;
  }
  return undefined;
}

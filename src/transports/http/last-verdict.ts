/**
 * Remembers a check's answer for the last value it saw. A client sends the same Host, Origin, Accept
 * and Content-Type on every request, so the header checks on the hot path become one comparison.
 */
export function lastVerdict<T extends string | undefined>(
  check: (value: T) => boolean,
): (value: T) => boolean {
  let seen = false;
  let lastValue: T | undefined;
  let lastAnswer = false;
  return (value) => {
    if (seen && value === lastValue) return lastAnswer;
    lastAnswer = check(value);
    lastValue = value;
    seen = true;
    return lastAnswer;
  };
}

/** `1 finding`, `3 findings`, `2 hosts and clusters`: a count with its noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

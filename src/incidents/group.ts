// Grouping into lists by key, in place: copying the list on every add is quadratic, and a busy
// host puts thousands of incidents under one category or cause.
export function addTo<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

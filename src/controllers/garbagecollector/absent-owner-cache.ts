// Owners known not to exist (upstream absentOwnerCache): once one dependent's check found an owner UID missing,
// its siblings skip the GET. Keyed by namespace and UID because a namespaced owner is looked up in the
// dependent's namespace. Bounded, oldest first out.

export class AbsentOwnerCache {
  private readonly entries = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  add(namespace: string, uid: string): void {
    const key = `${namespace}/${uid}`;
    this.entries.delete(key);
    this.entries.add(key);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.values().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  has(namespace: string, uid: string): boolean {
    return this.entries.has(`${namespace}/${uid}`);
  }
}

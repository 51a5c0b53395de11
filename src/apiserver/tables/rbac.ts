// `kubectl get rolebindings|clusterrolebindings`: upstream printRoleBinding/printClusterRoleBinding with
// rbac.SubjectsStrings. Roles and ClusterRoles have no printer upstream (default Name/Created At table).
import type { KubeObject } from "../../api/object.ts";
import { ageColumn, ageOf, column, list, nameColumn, nameOf, str, type TablePrinter } from "./columns.ts";

/** Users, groups and `namespace/name` service accounts, each in subject order. */
export function subjectStrings(subjects: unknown): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of list(subjects)) {
    if (s?.kind === "ServiceAccount") out.serviceAccounts.push(`${str(s.namespace)}/${str(s.name)}`);
    else if (s?.kind === "User") out.users.push(str(s.name));
    else if (s?.kind === "Group") out.groups.push(str(s.name));
  }
  return out;
}

function bindingTable(what: string): TablePrinter {
  return {
    columns: [
      nameColumn,
      column("Role", "string", "The role the binding grants, as Kind/name."),
      ageColumn,
      column("Users", "string", `Users in the ${what}`, { priority: 1 }),
      column("Groups", "string", `Groups in the ${what}`, { priority: 1 }),
      column("ServiceAccounts", "string", `ServiceAccounts in the ${what}`, { priority: 1 }),
    ],
    cells(binding: KubeObject, now: Date) {
      const { users, groups, serviceAccounts } = subjectStrings(binding.subjects);
      return [
        nameOf(binding),
        `${str(binding.roleRef?.kind)}/${str(binding.roleRef?.name)}`,
        ageOf(binding, now),
        users.join(", "),
        groups.join(", "),
        serviceAccounts.join(", "),
      ];
    },
  };
}

export const roleBindingTable = bindingTable("roleBinding");
export const clusterRoleBindingTable = bindingTable("clusterRoleBinding");

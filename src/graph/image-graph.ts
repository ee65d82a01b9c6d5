import { SlipwayError } from "../errors/index.js";

/** What the graph needs to know of an image: its name and what it is built FROM. */
export interface GraphInput {
  readonly name: string;
  /** Another image of the graph, an external reference, or nothing (FROM scratch or fixed in the Dockerfile). */
  readonly from?: string;
}

export type Parent = { readonly kind: "graph"; readonly name: string } | { readonly kind: "external"; readonly ref: string } | { readonly kind: "none" };

export interface ImageGraph {
  /** Every image, parents before children; independent images keep config order. */
  readonly order: readonly string[];
  parentOf(name: string): Parent;
  childrenOf(name: string): readonly string[];
  /** The image and everything built on it, in build order. */
  subtree(name: string): readonly string[];
  /** The images and everything they are built on, in build order. */
  withAncestors(names: readonly string[]): readonly string[];
}

/** Builds the image DAG; a cycle is a user error naming the whole cycle. */
export function buildImageGraph(images: readonly GraphInput[]): ImageGraph {
  const names = new Set(images.map((image) => image.name));
  const parents = new Map<string, Parent>(images.map((image) => [image.name, parentFor(image, names)]));
  const children = new Map<string, string[]>(images.map((image) => [image.name, []]));
  for (const [name, parent] of parents) if (parent.kind === "graph") children.get(parent.name)?.push(name);

  const order = topologicalOrder(
    images.map((image) => image.name),
    parents,
  );
  const position = new Map(order.map((name, index) => [name, index]));
  const inOrder = (set: Set<string>): string[] => [...set].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));

  return {
    order,
    parentOf: (name) => parents.get(name) ?? { kind: "none" },
    childrenOf: (name) => children.get(name) ?? [],
    subtree(name) {
      const found = new Set<string>();
      const visit = (n: string): void => {
        if (found.has(n)) return;
        found.add(n);
        for (const child of children.get(n) ?? []) visit(child);
      };
      visit(name);
      return inOrder(found);
    },
    withAncestors(selected) {
      const found = new Set<string>();
      for (let name of selected) {
        for (;;) {
          found.add(name);
          const parent = parents.get(name);
          if (parent?.kind !== "graph" || found.has(parent.name)) break;
          name = parent.name;
        }
      }
      return inOrder(found);
    },
  };
}

function parentFor(image: GraphInput, names: ReadonlySet<string>): Parent {
  if (image.from === undefined || image.from === "scratch") return { kind: "none" };
  return names.has(image.from) ? { kind: "graph", name: image.from } : { kind: "external", ref: image.from };
}

function topologicalOrder(names: readonly string[], parents: ReadonlyMap<string, Parent>): string[] {
  const state = new Map<string, "visiting" | "done">();
  const order: string[] = [];
  const visit = (name: string, path: string[]): void => {
    const seen = state.get(name);
    if (seen === "done") return;
    if (seen === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new SlipwayError("CONFIG_INVALID", `the images form a cycle: ${cycle.join(" -> ")}`, {
        hint: "an image cannot be built FROM itself or from an image built on it; fix the `from:` of one of them",
      });
    }
    state.set(name, "visiting");
    const parent = parents.get(name);
    if (parent?.kind === "graph") visit(parent.name, [...path, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of names) visit(name, []);
  return order;
}

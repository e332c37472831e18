// What GraphiQL opens with: operations that show something on the example catalog.
export const EXAMPLE_OPERATIONS = `# Welcome to Agentry. Run an operation with the ▶ button (or Ctrl+Enter).

query Sources {
  sources(first: 10) {
    totalCount
    nodes { name agentCount }
  }
}
`;

/** The fetch signature the client takes and gives: the global one, a recording one in tests, a proxying one. */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

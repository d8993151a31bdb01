/** CRI container states ("CONTAINER_RUNNING") as the lower-case words docker uses ("running"). */
export function criContainerState(state: unknown): string | null {
  if (typeof state !== 'string' || state === '') return null;
  return state.replace(/^CONTAINER_/, '').toLowerCase();
}

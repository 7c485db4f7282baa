/**
 * The user both Vessel images (Mundane and Sovereign) run as: not root, owning nothing under
 * /app. The pod maps the host user onto this id (`UserNS=keep-id:uid=…,gid=…`), so the Vessel
 * runs as the host user: podman 5.4's keep-id alone leaves an image's USER in place, which would
 * put the Vessel on a subordinate id that owns none of the host user's files.
 */
export const VESSEL_USER = { name: 'lychd', uid: 10001 } as const;

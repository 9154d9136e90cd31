/** 实地考察 limits the page and the server share. */

/** Photos one evaluation point may carry. */
export const MAX_POINT_PHOTOS = 9;

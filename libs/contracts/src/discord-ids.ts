/** Discord snowflakes: 17–20 decimal digits. Usernames or mentions are rejected. */
export const SNOWFLAKE = /^\d{17,20}$/;

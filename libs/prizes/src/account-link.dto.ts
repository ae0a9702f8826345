import { IsOptional, IsString, Length } from 'class-validator';
import { IsSnowflake } from '@discord-backbone/contracts';

export class CreateUserDto {
  @IsString()
  @Length(1, 64)
  username!: string;
}

/**
 * The caller must have verified that the Discord account is the user's (Discord OAuth2 with the
 * `identify` scope). Passing the OAuth2 access token lets the API prove it: the ID is then checked
 * against Discord's `GET /users/@me` instead of being taken on trust.
 */
export class LinkDiscordAccountDto {
  @IsSnowflake()
  discordUserId!: string;

  @IsOptional()
  @IsString()
  @Length(1, 512)
  discordAccessToken?: string;
}

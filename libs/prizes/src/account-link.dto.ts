import { IsString, Length, Matches } from 'class-validator';

export class CreateUserDto {
  @IsString()
  @Length(1, 64)
  username!: string;
}

export class LinkDiscordAccountDto {
  @IsString()
  @Matches(/^\d{17,20}$/, { message: 'discordUserId must be a numeric Discord ID' })
  discordUserId!: string;
}

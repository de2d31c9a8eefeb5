using SessionBridge.Tool;

return Cli.Run(args, Console.In, Console.Out, Console.Error);

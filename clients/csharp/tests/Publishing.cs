// Builds real publish targets in the demo project: the asset "hero"'s modelling task, its
// context, and a path from the maya_asset_publish template.
using System.Linq;
using System.Threading.Tasks;
using Pipebridge.Json;
using Pipebridge.V1;

namespace Pipebridge.Tests
{
    sealed class PublishTarget
    {
        public Context Context;
        public string Path;
    }

    static class Publishing
    {
        public static async Task<PublishTarget> AssetPublishTarget(PipebridgeClient client, string name, int version)
        {
            var tasks = await client.EntityService.FindAsync(new FindEntitiesRequest
            {
                EntityType = "Task",
                Filters = JsonArray.Of(JsonArray.Of("entity.Asset.code", "is", "hero"), JsonArray.Of("step.Step.code", "is", "model")),
            });
            var task = tasks.Entities.First();
            var context = (await client.ContextService.FromEntityAsync(new ContextFromEntityRequest
            {
                Entity = new EntityRef { Type = "Task", Id = task.GetInt32("id") },
            })).Context;
            var fields = (await client.ContextService.ToFieldsAsync(new ContextToFieldsRequest { Context = context, Template = "maya_asset_publish" })).Fields;
            fields.With("name", name).With("version", (long)version).With("maya_extension", "ma");
            string path = (await client.TemplateService.ApplyAsync(new ApplyTemplateRequest { Template = "maya_asset_publish", Fields = fields })).Path;
            return new PublishTarget { Context = context, Path = path };
        }
    }
}
